/// The object keys the inspector acts on. Any other key, and any key longer
/// than `capacity` bytes, is `.other`: its value is scanned but not examined,
/// so keys never need more than a small fixed buffer.
enum BodyKey: UInt8 {
    case other
    // top level
    case model, stream, streamOptions, maxTokens, maxCompletionTokens, maxOutputTokens, user
    case tools, functions, messages, prompt, input, instructions, system
    // inside stream_options
    case includeUsage
    // inside messages and input
    case role, content, text, type, name, id, toolCallID
    case imageURL, inputAudio, file, image

    /// Longest interesting key is `max_completion_tokens` (21 bytes).
    static let capacity = 24

    /// Values of these keys are labels, not text, so they do not count as
    /// content.
    var isLabel: Bool {
        switch self {
        case .role, .type, .name, .id, .toolCallID: return true
        default: return false
        }
    }

    /// Everything under these keys is media or file data (often base64), not
    /// prompt text.
    var isData: Bool {
        switch self {
        case .imageURL, .inputAudio, .file, .image: return true
        default: return false
        }
    }

    /// Classifies the decoded key `bytes[0..<count]`.
    static func classify(_ bytes: UnsafePointer<UInt8>, count: Int) -> BodyKey {
        @inline(__always) func its(_ name: StaticString) -> Bool {
            name.utf8CodeUnitCount == count && equalBytes(bytes, name.utf8Start, count)
        }
        switch count {
        case 2: return its("id") ? .id : .other
        case 4:
            if its("role") { return .role }
            if its("type") { return .type }
            if its("text") { return .text }
            if its("user") { return .user }
            if its("name") { return .name }
            if its("file") { return .file }
            return .other
        case 5:
            if its("model") { return .model }
            if its("tools") { return .tools }
            if its("input") { return .input }
            if its("image") { return .image }
            return .other
        case 6:
            if its("stream") { return .stream }
            if its("prompt") { return .prompt }
            if its("system") { return .system }
            return .other
        case 7: return its("content") ? .content : .other
        case 8: return its("messages") ? .messages : .other
        case 9:
            if its("functions") { return .functions }
            if its("image_url") { return .imageURL }
            return .other
        case 10: return its("max_tokens") ? .maxTokens : .other
        case 11: return its("input_audio") ? .inputAudio : .other
        case 12:
            if its("instructions") { return .instructions }
            if its("tool_call_id") { return .toolCallID }
            return .other
        case 13: return its("include_usage") ? .includeUsage : .other
        case 14: return its("stream_options") ? .streamOptions : .other
        case 17: return its("max_output_tokens") ? .maxOutputTokens : .other
        case 21: return its("max_completion_tokens") ? .maxCompletionTokens : .other
        default: return .other
        }
    }
}

@inline(__always)
func equalBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    while i < count {
        if a[i] != b[i] { return false }
        i &+= 1
    }
    return true
}

/// Whether `bytes[0..<count]` is exactly `literal`.
@inline(__always)
func equalBytes(_ bytes: UnsafePointer<UInt8>, count: Int, _ literal: StaticString) -> Bool {
    literal.utf8CodeUnitCount == count && equalBytes(bytes, literal.utf8Start, count)
}
