import Testing
@testable import RingwayHTTP

@Suite("BodyInspection fields")
struct BodyInspectionFieldTests {
    @Test func chatBodyGivesEveryField() {
        let body = SampleBodies.chat
        let r = inspect(body)
        #expect(r.step == .complete)
        #expect(r.model == "llama-3.1-8b-instruct")
        #expect(slice(body, r.modelTokenRange) == "\"llama-3.1-8b-instruct\"")
        #expect(r.stream)
        #expect(slice(body, r.streamOptionsRange) == "{\"include_usage\":true}")
        #expect(r.includeUsage == true)
        #expect(r.maxTokens == 128)
        #expect(r.user == "alice")
        #expect(r.contentBytes == rawLength("You are terse.", "Say hi."))
        #expect(!r.hasTools)
        #expect(!r.hasImages)
        #expect(r.lastUserMessage == "Say hi.")
        #expect(r.topLevelEnd == Int64(body.utf8.count - 1))
        #expect(!r.topLevelIsEmpty)
        #expect(r.prefixHashedBytes == r.contentBytes)
    }

    @Test func absentFieldsAreNil() {
        let r = inspect(#"{"temperature":1}"#)
        #expect(r.step == .complete)
        #expect(r.model == nil && r.modelTokenRange == nil && r.user == nil)
        #expect(r.streamOptionsRange == nil && r.includeUsage == nil && r.maxTokens == nil)
        #expect(!r.stream && !r.hasTools && !r.hasImages)
        #expect(r.contentBytes == 0 && r.prefixHashedBytes == 0 && r.lastUserMessage.isEmpty)
        #expect(r.topLevelEnd == 16)
    }

    @Test func emptyObject() {
        let r = inspect(" \n{ \t}\r\n")
        #expect(r.step == .complete)
        #expect(r.topLevelIsEmpty)
        #expect(r.topLevelEnd == 5)
    }

    @Test func streamFalseAndNonBooleans() {
        #expect(!inspect(#"{"stream":false}"#).stream)
        #expect(!inspect(#"{"stream":"true"}"#).stream)
        #expect(!inspect(#"{"stream":null}"#).stream)
        #expect(inspect(#"{"stream": true }"#).stream)
    }

    @Test func streamOptionsVariants() {
        let body = #"{"stream_options" : {"x":[1,{"include_usage":true}],"include_usage":false} , "a":1}"#
        let r = inspect(body)
        #expect(slice(body, r.streamOptionsRange) == #"{"x":[1,{"include_usage":true}],"include_usage":false}"#)
        #expect(r.includeUsage == false)
        let null = #"{"stream_options":null}"#
        let n = inspect(null)
        #expect(slice(null, n.streamOptionsRange) == "null")
        #expect(n.includeUsage == nil)
        let nonBool = inspect(#"{"stream_options":{"include_usage":1}}"#)
        #expect(nonBool.includeUsage == nil)
        #expect(nonBool.streamOptionsRange == 18..<37)
        // A nested "stream_options" is not the top-level one.
        #expect(inspect(#"{"metadata":{"stream_options":{"include_usage":true}}}"#).streamOptionsRange == nil)
    }

    @Test func maxTokensPriorityAndIntegersOnly() {
        #expect(inspect(#"{"max_output_tokens":3,"max_completion_tokens":2,"max_tokens":1}"#).maxTokens == 1)
        #expect(inspect(#"{"max_output_tokens":3,"max_completion_tokens":2}"#).maxTokens == 2)
        #expect(inspect(#"{"max_output_tokens":3}"#).maxTokens == 3)
        #expect(inspect(#"{"max_tokens":1.5,"max_output_tokens":3}"#).maxTokens == 3)
        #expect(inspect(#"{"max_tokens":1e3}"#).maxTokens == nil)
        #expect(inspect(#"{"max_tokens":"100"}"#).maxTokens == nil)
        #expect(inspect(#"{"max_tokens":null}"#).maxTokens == nil)
        #expect(inspect(#"{"max_tokens":0}"#).maxTokens == 0)
        #expect(inspect(#"{"max_tokens":-7}"#).maxTokens == -7)
        #expect(inspect(#"{"max_tokens":9223372036854775807}"#).maxTokens == Int64.max)
        #expect(inspect(#"{"max_tokens":-9223372036854775808}"#).maxTokens == Int64.min)
        #expect(inspect(#"{"max_tokens":9223372036854775808}"#).maxTokens == nil)
        #expect(inspect(#"{"max_tokens":99999999999999999999999}"#).maxTokens == nil)
        // The last occurrence wins, as in the Python servers.
        #expect(inspect(#"{"max_tokens":5,"max_tokens":6}"#).maxTokens == 6)
        #expect(inspect(#"{"max_tokens":5,"max_tokens":6.5}"#).maxTokens == nil)
        // Nested keys are not the request's.
        #expect(inspect(#"{"x":{"max_tokens":5}}"#).maxTokens == nil)
    }

    @Test func userIsDecoded() {
        #expect(inspect(#"{"user":"a\u0062c\n"}"#).user == "abc\n")
        #expect(inspect(#"{"user":42}"#).user == nil)
        #expect(inspect(#"{"user":""}"#).user == "")
    }

    @Test func unicodeEscapesInModelAreDecoded() {
        let body = #"{"model":"caf\u00E9-\ud83d\ude00\/x"}"#
        let r = inspect(body)
        #expect(r.model == "café-😀/x")
        #expect(slice(body, r.modelTokenRange) == #""caf\u00E9-\ud83d\ude00\/x""#)
        // A key spelled with escapes is the same key.
        let escapedKey = inspect(#"{"\u006dodel":"m1"}"#)
        #expect(escapedKey.model == "m1")
    }

    @Test func loneSurrogatesAreValidJSONAndCaptureAsReplacement() {
        #expect(inspect(#"{"model":"a\ud800b"}"#).model == "a\u{FFFD}b")
        #expect(inspect(#"{"model":"\udc00"}"#).model == "\u{FFFD}")
        #expect(inspect(#"{"model":"\ud800\ud800\udc00"}"#).model == "\u{FFFD}𐀀")
        #expect(inspect(#"{"model":"\ud800"}"#).model == "\u{FFFD}")
        #expect(inspect(#"{"model":"\ud800\n"}"#).model == "\u{FFFD}\n")
    }

    @Test func nonStringModelIsAbsent() {
        let r = inspect(#"{"model":["a"]}"#)
        #expect(r.step == .complete)
        #expect(r.model == nil && r.modelTokenRange == nil)
    }

    @Test func contentBytesSkipLabelsAndData() {
        let body = """
            {"messages":[{"role":"user","name":"bob","id":"x1","content":[{"type":"text","text":"hello"},\
            {"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}},{"type":"file","file":{"file_data":"QQ=="}},\
            {"type":"image","image":"abc"}]},{"role":"tool","tool_call_id":"c1","content":"42"}],"system":"sys",\
            "instructions":"ins","tools":[{"type":"function","function":{"name":"f","description":"not counted"}}],\
            "metadata":{"note":"not counted"}}
            """
        let r = inspect(body)
        #expect(r.step == .complete)
        #expect(r.contentBytes == rawLength("hello", "42", "sys", "ins"))
        #expect(r.hasImages)  // "type":"image"
        #expect(r.hasTools)
        #expect(r.lastUserMessage == "hello")
    }

    @Test func contentBytesCountRawEscapes() {
        let r = inspect(#"{"messages":[{"role":"user","content":"a\nb\u00e9"}]}"#)
        #expect(r.contentBytes == 10)
        #expect(r.lastUserMessage == "a\nbé")
        #expect(r.estimatedPromptTokens == 3)
    }

    @Test func partsAndImages() {
        let r = inspect(SampleBodies.chatWithPartsAndImage)
        #expect(r.step == .complete)
        #expect(r.hasImages)
        #expect(r.lastUserMessage == "What is in this image?\nBe brief.")
        #expect(r.contentBytes == rawLength("What is in this image?", "Be brief."))
        #expect(r.maxTokens == 50)
    }

    @Test func imageDetection() {
        #expect(inspect(#"{"messages":[{"role":"user","content":[{"type":"image_url"}]}]}"#).hasImages)
        #expect(inspect(#"{"messages":[{"role":"user","content":[{"image_url":"u"}]}]}"#).hasImages)
        #expect(inspect(#"{"input":[{"type":"input_image","file_id":"f"}]}"#).hasImages)
        #expect(!inspect(#"{"messages":[{"role":"user","content":"image_url"}]}"#).hasImages)
        #expect(!inspect(#"{"messages":[{"role":"user","content":[{"type":"text","text":"image"}]}]}"#).hasImages)
        // Only under messages/input.
        #expect(!inspect(#"{"metadata":{"type":"image_url","image_url":"x"}}"#).hasImages)
        #expect(!inspect(#"{"prompt":[{"type":"image"}]}"#).hasImages)
    }

    @Test func roleAfterContent() {
        let body = """
            {"messages":[{"content":"first","role":"user"},{"content":"answer","role":"assistant"},\
            {"content":[{"text":"second"},{"text":"part"}],"role":"user"},{"content":"late","role":"system"}]}
            """
        #expect(inspect(body).lastUserMessage == "second\npart")
    }

    @Test func lastUserMessagePicksTheLastUserRole() {
        let body = """
            {"messages":[{"role":"user","content":"one"},{"role":"assistant","content":"two"},\
            {"role":"user","content":"three"},{"role":"assistant","content":"four"}]}
            """
        #expect(inspect(body).lastUserMessage == "three")
        #expect(inspect(#"{"messages":[{"role":"assistant","content":"x"}]}"#).lastUserMessage == "")
        #expect(inspect(#"{"messages":[{"role":"user","content":null}]}"#).lastUserMessage == "")
        #expect(inspect(#"{"messages":[{"role":"us\u0065r","content":"escaped role"}]}"#).lastUserMessage == "escaped role")
        #expect(inspect(#"{"messages":[{"role":"users","content":"x"}]}"#).lastUserMessage == "")
        #expect(inspect(#"{"messages":[{"role":"user","content":"x","content":"y"}]}"#).lastUserMessage == "x\ny")
    }

    @Test func reusedInspectorForgetsThePreviousBody() {
        let inspector = RequestBodyInspector()
        let first = inspect(bytes(SampleBodies.chat), using: inspector)
        let other = inspect(bytes(#"{"messages":[{"role":"user","content":"z"}]}"#), using: inspector)
        #expect(other.model == nil && !other.stream && other.lastUserMessage == "z")
        let again = inspect(bytes(SampleBodies.chat), using: inspector)
        #expect(again == first)
        _ = inspect(bytes("{\"model\":"), using: inspector)
        #expect(inspect(bytes(SampleBodies.chat), using: inspector) == first)
    }
}
