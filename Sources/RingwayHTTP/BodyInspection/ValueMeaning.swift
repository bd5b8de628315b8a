/// What the value about to be scanned means to the inspector, decided from
/// its key (in an object) or its container (in an array).
enum ValueField: UInt8 {
    case none
    case model, stream, streamOptions, includeUsage, user, tools
    case maxTokens, maxCompletionTokens, maxOutputTokens
    case messages, input, prompt
    case messageItem            // an element of a messageList
    case partItem               // an element of a partList
    case messageRole, messageContent, partText
    case typeValue              // a "type" under messages/input: maybe an image part
}

/// Where the decoded bytes of the current string go.
enum CaptureSink: UInt8 {
    case none
    case key
    case model
    case user
    case label                  // a short value compared after it ends ("user", "image_url")
    case messageText            // appended to the current message's text
    case loneText               // a top-level prompt/input string: the last user message itself
}

/// What a message's "role" turned out to be; a message's text is kept until
/// its object closes because "role" may come after "content".
enum MessageRole: UInt8 {
    case unknown, user, other
}
