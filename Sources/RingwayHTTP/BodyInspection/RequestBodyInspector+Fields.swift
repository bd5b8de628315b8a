/// What values mean in an OpenAI request (chat completions, completions,
/// embeddings, Responses API): decided once per key or array element from the
/// key and the container, so that scanning the value needs no lookups.
extension RequestBodyInspector {
    /// A key has ended; give the value after it its meaning.
    func assignMeaning(of key: BodyKey) {
        valueField = .none
        valueFlags = []
        switch frame.role {
        case .top:
            switch key {
            case .model:
                if seenModel { fail(.duplicateModel(at: stringStart)); return }
                seenModel = true
                valueField = .model
            case .stream:
                if seenStream { fail(.duplicateStream(at: stringStart)); return }
                seenStream = true
                valueField = .stream
            // For the other keys the last occurrence wins, as in the Python
            // servers (vLLM, SGLang) behind the proxy: forget the earlier one.
            case .streamOptions:
                streamOptionsRange = nil
                includeUsage = nil
                includeUsageRange = nil
                streamOptionsMembers = -1
                streamOptionsIsNull = false
                valueField = .streamOptions
            case .maxTokens:
                maxTokens = nil
                valueField = .maxTokens
            case .maxCompletionTokens:
                maxCompletionTokens = nil
                valueField = .maxCompletionTokens
            case .maxOutputTokens:
                maxOutputTokens = nil
                valueField = .maxOutputTokens
            case .user:
                userLength = nil
                valueField = .user
            case .tools, .functions:
                valueField = .tools
            case .messages:
                valueField = .messages
                valueFlags = [.counted, .imageScope]
            case .input:
                valueField = .input
                valueFlags = [.counted, .imageScope]
            case .prompt:
                valueField = .prompt
                valueFlags = .counted
            case .instructions, .system:
                valueFlags = .counted
            default:
                break
            }
            topField = valueField

        case .streamOptions:
            streamOptionsMembers &+= 1
            if key == .includeUsage {
                includeUsage = nil
                includeUsageRange = nil
                valueField = .includeUsage
            }

        default:
            var flags = frame.flags
            if key.isLabel || key.isData { flags.remove(.counted) }
            if key == .imageURL && flags.contains(.imageScope) { hasImages = true }
            valueFlags = flags
            if key == .type && flags.contains(.imageScope) {
                valueField = .typeValue
            } else if frame.role == .message {
                if key == .role { valueField = .messageRole } else if key == .content { valueField = .messageContent }
            } else if frame.role == .part && key == .text {
                valueField = .partText
            }
        }
    }

    /// An array element starts; its meaning comes from the array.
    @inline(__always)
    func beginElement() {
        valueFlags = frame.flags
        switch frame.role {
        case .tools:
            hasTools = true
            valueField = .none
            valueFlags = []
        case .messageList: valueField = .messageItem
        case .partList: valueField = .partItem
        default: valueField = .none
        }
    }

    /// A captured value string has ended (closing quote at slice index `i`).
    func endCapture(at i: Int) {
        switch sink {
        case .model:
            if sinkTruncated {
                fail(.modelTooLong(at: stringStart, limit: limits.maxModelBytes))
                return
            }
            modelLength = sinkLength
            modelTokenRange = stringStart..<(offset(i) &+ 1)
        case .user:
            userLength = capturedTextLength
        case .label:
            let label = scratch.label
            let n = sinkTruncated ? -1 : sinkLength
            if valueField == .messageRole {
                messageRole = equalBytes(label, count: n, "user") ? .user : .other
            } else if equalBytes(label, count: n, "image_url") || equalBytes(label, count: n, "input_image")
                || equalBytes(label, count: n, "image")
            {
                hasImages = true
            }
        case .messageText:
            workLength = sinkLength
            workTruncated = sinkTruncated
            messageHasText = true
        case .loneText:
            // A top-level prompt or input string is the user's message itself.
            workLength = sinkLength
            workTruncated = sinkTruncated
            commitWork()
        case .none, .key:
            break
        }
    }

    // MARK: messages

    func beginMessage() {
        workLength = 0
        workTruncated = false
        messageRole = .unknown
        messageHasText = false
    }

    /// "role" may follow "content", so a message's text is only kept once
    /// its object closes and the role is known.
    func endMessage() {
        if messageRole == .user { commitWork() }
        messageRole = .unknown
    }

    /// The working text buffer becomes the last user message; the other one
    /// becomes the working buffer.
    func commitWork() {
        let work = textBuffer(lastUserIndex ^ 1)
        lastUserLength = workTruncated ? utf8CompletePrefixLength(work, count: workLength) : workLength
        lastUserIndex ^= 1
        workLength = 0
        workTruncated = false
        messageHasText = false
    }
}
