@testable import RingwayHTTP

/// Everything an inspection produced, copied out of the inspector so that
/// runs can be compared with `==`.
struct InspectionOutcome: Equatable, CustomStringConvertible {
    var step: BodyInspectionStep
    var model: String?
    var modelTokenRange: Range<Int64>?
    var stream = false
    var streamOptionsRange: Range<Int64>?
    var includeUsage: Bool?
    var includeUsageRange: Range<Int64>?
    var streamOptionsMembers: Int?
    var streamOptionsIsNull = false
    var maxTokens: Int64?
    var user: String?
    var contentBytes = 0
    var hasTools = false
    var hasImages = false
    var prefixHash: UInt64 = 0
    var prefixHashedBytes = 0
    var lastUserMessage = ""
    var lastUserMessageBytes: [UInt8] = []
    var topLevelEnd: Int64 = 0
    var topLevelIsEmpty = false
    var estimatedPromptTokens = 0

    /// After a failure the summary is meaningless (it holds whatever was
    /// found before the error), so only the error is kept.
    init(step: BodyInspectionStep, summary s: RequestBodySummary) {
        self.step = step
        if case .failure = step { return }
        model = s.model.map { text($0) }
        modelTokenRange = s.modelTokenRange
        stream = s.stream
        streamOptionsRange = s.streamOptionsRange
        includeUsage = s.includeUsage
        includeUsageRange = s.includeUsageRange
        streamOptionsMembers = s.streamOptionsMembers
        streamOptionsIsNull = s.streamOptionsIsNull
        maxTokens = s.maxTokens
        user = s.user.map { text($0) }
        contentBytes = s.contentBytes
        hasTools = s.hasTools
        hasImages = s.hasImages
        prefixHash = s.prefixHash
        prefixHashedBytes = s.prefixHashedBytes
        lastUserMessage = text(s.lastUserMessage)
        lastUserMessageBytes = Array(s.lastUserMessage)
        topLevelEnd = s.topLevelEnd
        topLevelIsEmpty = s.topLevelIsEmpty
        estimatedPromptTokens = s.estimatedPromptTokens
    }

    var error: BodyInspectionError? {
        if case .failure(let error) = step { return error }
        return nil
    }

    var description: String {
        "\(step) model=\(model ?? "nil") stream=\(stream) content=\(contentBytes) last=\(lastUserMessage.debugDescription)"
    }
}

/// Feeds `body` cut at `cuts` (sorted offsets inside the body), each slice in
/// its own exact-size allocation so an over-read cannot hide in a neighbour,
/// then finishes. Feeding stops at the first failure, as the proxy would.
func inspect(
    _ body: [UInt8], cuts: [Int] = [], prefixBytes: Int = 1024,
    limits: BodyInspectionLimits = BodyInspectionLimits(), using reused: RequestBodyInspector? = nil
) -> InspectionOutcome {
    let inspector = reused ?? RequestBodyInspector(limits: limits)
    inspector.reset(prefixBytes: prefixBytes)
    var bounds = [0] + cuts + [body.count]
    bounds = bounds.filter { $0 >= 0 && $0 <= body.count }
    var step = BodyInspectionStep.needMore
    for k in 0..<(bounds.count - 1) where step == .needMore {
        let slice = Array(body[bounds[k]..<bounds[k + 1]])
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(slice.count, 1), alignment: 1)
        defer { storage.deallocate() }
        storage.copyBytes(from: slice)
        step = inspector.feed(UnsafeRawBufferPointer(rebasing: storage[0..<slice.count]))
    }
    if step == .needMore { step = inspector.finish() }
    return InspectionOutcome(step: step, summary: inspector.summary)
}

func inspect(_ body: String, cuts: [Int] = [], prefixBytes: Int = 1024,
             limits: BodyInspectionLimits = BodyInspectionLimits()) -> InspectionOutcome {
    inspect(bytes(body), cuts: cuts, prefixBytes: prefixBytes, limits: limits)
}

/// Byte-at-a-time feeding of `body`.
func inspectBytewise(_ body: [UInt8], prefixBytes: Int = 1024,
                     limits: BodyInspectionLimits = BodyInspectionLimits()) -> InspectionOutcome {
    inspect(body, cuts: Array(stride(from: 1, to: body.count, by: 1)), prefixBytes: prefixBytes, limits: limits)
}

/// The body text between two offsets.
func slice(_ body: String, _ range: Range<Int64>?) -> String? {
    guard let range else { return nil }
    return text(Array(body.utf8)[Int(range.lowerBound)..<Int(range.upperBound)])
}

/// Raw length of the string literals given, as the body spells them.
func rawLength(_ strings: String...) -> Int {
    strings.reduce(0) { $0 + $1.utf8.count }
}

/// Sample bodies as the OpenAI SDKs send them.
enum SampleBodies {
    static let chat = """
        {"model":"llama-3.1-8b-instruct","messages":[{"role":"system","content":"You are terse."},\
        {"role":"user","content":"Say hi."}],"stream":true,"stream_options":{"include_usage":true},\
        "max_tokens":128,"user":"alice","temperature":0.7}
        """

    static let chatWithPartsAndImage = """
        {"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"What is in this image?"},\
        {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}},\
        {"type":"text","text":"Be brief."}]}],"max_completion_tokens":50}
        """

    static let toolsCall = """
        {"model":"m","messages":[{"role":"user","content":"weather?"},{"role":"assistant","content":null,\
        "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},\
        {"role":"tool","tool_call_id":"call_1","content":"18C"}],"tools":[{"type":"function","function":\
        {"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}
        """

    static let responses = """
        {"model":"gpt-4.1","instructions":"Be kind.","input":[{"role":"user","content":[{"type":"input_text",\
        "text":"Describe"},{"type":"input_image","image_url":"https://example.com/a.png"}]}],"max_output_tokens":300}
        """

    static let escapes = """
        { "model" : "caf\\u00e9-\\ud83d\\ude00" ,"messages" : [ {"content":"tab\\tquote\\"\\u00e9 \\/ é😀",\
        "role":"user"} ] , "n": -0.5e+10, "x": [true,false,null,0,-1,1.25E-3,[],{}] }\r\n
        """

    static let all = [chat, chatWithPartsAndImage, toolsCall, responses, escapes]
}

/// Feeds the UTF-8 bytes of `text` as one slice.
func feed(_ inspector: RequestBodyInspector, _ text: String) -> BodyInspectionStep {
    Array(text.utf8).withUnsafeBytes { inspector.feed($0) }
}
