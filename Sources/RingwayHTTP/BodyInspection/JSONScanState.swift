/// Where the scanner is in the JSON grammar (RFC 8259). Every state is
/// resumable at any byte, so a slice may end anywhere.
enum JSONScanState: UInt8 {
    // structure
    case documentStart          // before the top-level '{'
    case objectKeyOrEnd         // after '{'
    case objectKey              // after ',' in an object
    case colon                  // after a key
    case memberValue            // after ':'
    case arrayValueOrEnd        // after '['
    case arrayValue             // after ',' in an array
    case objectCommaOrEnd       // after a member value
    case arrayCommaOrEnd        // after an element
    case documentEnd            // after the top-level '}': only whitespace may follow
    // strings
    case string                 // between the quotes
    case escape                 // after '\'
    case unicodeEscape          // inside \uXXXX
    case utf8Continuation       // inside a multi-byte UTF-8 sequence
    // numbers (RFC 8259 §6): the states that may end a number are zero,
    // integer, fraction and exponent; the others need a digit first
    case numberMinus
    case numberZero
    case numberInteger
    case numberPoint
    case numberFraction
    case numberExponentMark
    case numberExponentSign
    case numberExponent
    // true, false, null
    case literal
    case failed
}

/// What an object or array stands for in an OpenAI request, so that a value
/// can be given its meaning from its key and the container it is in.
enum FrameRole: UInt8 {
    case plain
    case top                    // the request object
    case streamOptions          // top-level "stream_options" object
    case tools                  // top-level "tools"/"functions" array
    case messageList            // "messages" array, or an "input" array
    case message                // an object in a messageList
    case partList               // a message's "content" array
    case part                   // an object in a partList
}

/// Properties a container passes down to everything inside it.
struct ContextFlags: OptionSet {
    var rawValue: UInt8
    /// String values are prompt text: counted and hashed.
    static let counted = ContextFlags(rawValue: 1)
    /// Inside messages or input, where image parts are looked for.
    static let imageScope = ContextFlags(rawValue: 2)
}

/// One open container on the frame stack, packed in two bytes.
struct Frame {
    var role: FrameRole
    var flags: ContextFlags
    var isArray: Bool

    static let none = Frame(role: .plain, flags: [], isArray: false)
}
