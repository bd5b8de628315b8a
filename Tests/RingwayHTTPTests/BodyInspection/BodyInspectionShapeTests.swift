import Testing
@testable import RingwayHTTP

/// The request shapes of the OpenAI endpoints the proxy fronts.
@Suite("BodyInspection API shapes")
struct BodyInspectionShapeTests {
    @Test func toolsEmptyAndNonEmpty() {
        #expect(!inspect(#"{"tools":[]}"#).hasTools)
        #expect(!inspect(#"{"tools":[ ]}"#).hasTools)
        #expect(!inspect(#"{"tools":null}"#).hasTools)
        #expect(!inspect(#"{"tools":{}}"#).hasTools)
        #expect(inspect(#"{"tools":[{"type":"function"}]}"#).hasTools)
        #expect(inspect(#"{"functions":[{"name":"f"}]}"#).hasTools)
        #expect(!inspect(#"{"functions":[]}"#).hasTools)
        #expect(!inspect(#"{"x":{"tools":[1]}}"#).hasTools)
        let r = inspect(SampleBodies.toolsCall)
        #expect(r.step == .complete)
        #expect(r.hasTools)
        // Assistant tool call arguments and tool results are text; ids, types and names are not.
        #expect(r.contentBytes == rawLength("weather?", #"{\"city\":\"Paris\"}"#, "18C"))
        #expect(r.lastUserMessage == "weather?")
    }

    @Test func responsesInputString() {
        let r = inspect(#"{"model":"gpt-4.1","input":"Tell me a story","instructions":"Short."}"#)
        #expect(r.step == .complete)
        #expect(r.lastUserMessage == "Tell me a story")
        #expect(r.contentBytes == rawLength("Tell me a story", "Short."))
    }

    @Test func responsesInputArray() {
        let r = inspect(SampleBodies.responses)
        #expect(r.step == .complete)
        #expect(r.model == "gpt-4.1")
        #expect(r.lastUserMessage == "Describe")
        #expect(r.hasImages)
        #expect(r.maxTokens == 300)
        #expect(r.contentBytes == rawLength("Be kind.", "Describe"))
        let items = inspect("""
            {"input":[{"type":"message","role":"user","content":"q1"},{"type":"function_call_output","call_id":"c",\
            "output":"result"},{"type":"message","role":"assistant","content":[{"type":"output_text","text":"a1"}]}]}
            """)
        #expect(items.lastUserMessage == "q1")
        #expect(items.contentBytes == rawLength("q1", "c", "result", "a1"))
    }

    @Test func completionsPrompt() {
        let string = inspect(#"{"model":"m","prompt":"Once upon a time","max_tokens":16}"#)
        #expect(string.lastUserMessage == "Once upon a time")
        #expect(string.contentBytes == 16)
        let array = inspect(#"{"model":"m","prompt":["first","second"]}"#)
        #expect(array.step == .complete)
        #expect(array.lastUserMessage == "")
        #expect(array.contentBytes == 11)
        let tokens = inspect(#"{"prompt":[[1,2,3],[4]]}"#)
        #expect(tokens.step == .complete && tokens.contentBytes == 0)
    }

    @Test func embeddingsInput() {
        let string = inspect(#"{"model":"text-embedding-3-small","input":"The food was delicious","encoding_format":"float"}"#)
        #expect(string.contentBytes == 22)
        #expect(string.lastUserMessage == "The food was delicious")
        let array = inspect(#"{"model":"e","input":["a b","cd"],"dimensions":256}"#)
        #expect(array.contentBytes == 5)
        #expect(array.lastUserMessage == "")
        #expect(!array.hasImages)
        let tokens = inspect(#"{"model":"e","input":[[1,2],[3]]}"#)
        #expect(tokens.step == .complete && tokens.contentBytes == 0)
    }

    @Test func messagesAsAStringIsCountedButNotAMessage() {
        let r = inspect(#"{"messages":"hello"}"#)
        #expect(r.contentBytes == 5)
        #expect(r.lastUserMessage == "")
    }

    @Test func anthropicStyleSystemArray() {
        let r = inspect(#"{"system":[{"type":"text","text":"rules"}],"messages":[{"role":"user","content":"hi"}]}"#)
        #expect(r.contentBytes == rawLength("rules", "hi"))
        #expect(!r.hasImages)
    }
}
