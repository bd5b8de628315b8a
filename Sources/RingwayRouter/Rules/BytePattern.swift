/// A regular expression over bytes, for rules that look into request text
/// (`"last_user_message"`). Its own small engine rather than Swift Regex or
/// NSRegularExpression: those allocate per match, need Foundation or
/// Unicode processing on the hot path, and backtrack, so one hostile
/// pattern-and-input pair could stall a worker. This one compiles to a
/// Thompson NFA and searches in linear time with no allocation.
///
/// Syntax (ASCII semantics; the input is UTF-8 bytes):
///
/// | syntax | meaning |
/// | --- | --- |
/// | `abc`, `é` | literal bytes (a non-ASCII character is one atom) |
/// | `.` | any byte but `\n` |
/// | `[a-z0-9_]`, `[^…]` | a byte class; ASCII members only |
/// | `\d \w \s \D \W \S` | digit, word byte, white space, and their complements |
/// | `\n \t \r \f \v \0 \xHH` | control bytes |
/// | `\. \\ \( \[ …` | any escaped ASCII punctuation is itself |
/// | `\b \B` | word boundary, not a word boundary |
/// | `* + ? {m} {m,} {m,n}` | repetition, bounds at most 100; a trailing `?` (lazy) is accepted |
/// | `a\|b`, `( )`, `(?: )` | alternation, grouping (groups do not capture) |
/// | `^ $` | start and end of the input |
/// | `(?i)` first | ASCII case-insensitive |
///
/// Not supported, and refused with an error rather than misread:
/// backreferences, look-around, possessive quantifiers, inline flags
/// other than a leading `(?i)`, Unicode properties.
public struct BytePattern: Sendable {
    /// The pattern as written.
    public let source: String
    let program: PatternProgram

    public static func compile(_ pattern: String) -> Result<BytePattern, BytePatternError> {
        do {
            var parser = PatternParser(pattern)
            let tree = try parser.parse()
            let program = try PatternCompiler.compile(tree)
            return .success(BytePattern(source: pattern, program: program))
        } catch {
            return .failure(error)
        }
    }

    /// Whether the pattern matches anywhere in `input`.
    @inline(__always)
    public func matches(_ input: UnsafeRawBufferPointer) -> Bool {
        program.search(input)
    }

    /// For tests and tools; the hot path passes buffers.
    public func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { program.search(UnsafeRawBufferPointer($0)) }
    }

    public var instructionCount: Int { program.instructions.count }
}
