/// A strict RFC 8259 parser for config files. It exists (rather than
/// `JSONSerialization`) because config errors must say where they are, object
/// members must keep file order, and a key written twice must be an error:
/// generic parsers silently keep one of the two values.
///
/// A syntax error ends parsing (nothing after it can be trusted); duplicate
/// keys do not: the first value is kept, each repeat is reported, and
/// decoding carries on to find the file's other mistakes.
struct ConfigJSONParser {
    /// JSON allows any depth; a config file needs about six levels.
    static let maxDepth = 64

    struct Failure: Error {
        var offset: Int
        var path: String
        var reason: String
    }

    private let bytes: [UInt8]
    private let source: ConfigSource
    private var index = 0
    private var duplicateKeys: [ConfigError] = []

    /// The document's value, or nil after a syntax error; `errors` holds the
    /// syntax error and every duplicate key.
    static func parse(_ source: ConfigSource) -> (root: ConfigJSON?, errors: [ConfigError]) {
        var parser = ConfigJSONParser(bytes: source.bytes, source: source)
        do {
            let root = try parser.parseDocument()
            return (root, parser.duplicateKeys)
        } catch {
            return (nil, parser.duplicateKeys + [source.error(error.path, at: error.offset, error.reason)])
        }
    }

    private init(bytes: [UInt8], source: ConfigSource) {
        self.bytes = bytes
        self.source = source
    }

    // MARK: - Grammar

    private mutating func parseDocument() throws(Failure) -> ConfigJSON {
        // RFC 8259 §8.1: a parser may ignore a byte order mark; editors on
        // Windows add one.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        skipWhitespace()
        if index == bytes.count { throw failure("", "the file is empty; expected a JSON object") }
        let root = try parseValue(path: "", depth: 0)
        skipWhitespace()
        if index < bytes.count {
            throw failure("", "unexpected \(describeByte()) after the end of the top-level value")
        }
        return root
    }

    private mutating func parseValue(path: String, depth: Int) throws(Failure) -> ConfigJSON {
        guard depth <= Self.maxDepth else { throw failure(path, "nesting is deeper than \(Self.maxDepth) levels") }
        let start = index
        guard index < bytes.count else { throw failure(path, "expected a value, got end of file") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(path: path, depth: depth)
        case UInt8(ascii: "["): return try parseArray(path: path, depth: depth)
        case UInt8(ascii: "\""): return ConfigJSON(value: .string(try parseString(path: path)), offset: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return ConfigJSON(value: .number(try parseNumber(path: path)), offset: start)
        default: return ConfigJSON(value: try parseLiteral(path: path), offset: start)
        }
    }

    private mutating func parseObject(path: String, depth: Int) throws(Failure) -> ConfigJSON {
        let start = index
        index += 1
        var members: [ConfigJSONMember] = []
        var firstOffsets: [String: Int] = [:]
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            index += 1
            return ConfigJSON(value: .object([]), offset: start)
        }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else {
                throw failure(path, "expected a member name in double quotes, got \(describeByte())\(quotingHint())")
            }
            let keyOffset = index
            let key = try parseString(path: path)
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else {
                throw failure(path, "expected ':' after \(ConfigText.quoted(key)), got \(describeByte())")
            }
            index += 1
            skipWhitespace()
            let memberPath = ConfigPath.member(path, key)
            let value = try parseValue(path: memberPath, depth: depth + 1)
            if let first = firstOffsets[key] {
                let (line, column) = source.position(of: first)
                duplicateKeys.append(source.error(
                    memberPath, at: keyOffset,
                    "duplicate key \(ConfigText.quoted(key)) (first at line \(line), column \(column))"))
            } else {
                firstOffsets[key] = keyOffset
                members.append(ConfigJSONMember(key: key, keyOffset: keyOffset, value: value))
            }
            skipWhitespace()
            if peek == UInt8(ascii: "}") {
                index += 1
                return ConfigJSON(value: .object(members), offset: start)
            }
            guard peek == UInt8(ascii: ",") else {
                throw failure(path, "expected ',' or '}' after the value of \(ConfigText.quoted(key)), got \(describeByte())")
            }
            let comma = index
            index += 1
            skipWhitespace()
            if peek == UInt8(ascii: "}") {
                throw Failure(offset: comma, path: path, reason: "trailing comma before '}' (JSON allows none)")
            }
        }
    }

    private mutating func parseArray(path: String, depth: Int) throws(Failure) -> ConfigJSON {
        let start = index
        index += 1
        var elements: [ConfigJSON] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            index += 1
            return ConfigJSON(value: .array([]), offset: start)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(path: ConfigPath.index(path, elements.count), depth: depth + 1))
            skipWhitespace()
            if peek == UInt8(ascii: "]") {
                index += 1
                return ConfigJSON(value: .array(elements), offset: start)
            }
            guard peek == UInt8(ascii: ",") else {
                throw failure(path, "expected ',' or ']' after element \(elements.count - 1), got \(describeByte())")
            }
            let comma = index
            index += 1
            skipWhitespace()
            if peek == UInt8(ascii: "]") {
                throw Failure(offset: comma, path: path, reason: "trailing comma before ']' (JSON allows none)")
            }
        }
    }

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func parseNumber(path: String) throws(Failure) -> ConfigNumber {
        let start = index
        var isInteger = true
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, isDigit(first) else { throw failure(path, "expected a digit after '-'") }
        index += 1
        if first == UInt8(ascii: "0"), let next = peek, isDigit(next) {
            throw Failure(offset: start, path: path, reason: "numbers cannot have leading zeros")
        }
        skipDigits()
        if peek == UInt8(ascii: ".") {
            index += 1
            guard let digit = peek, isDigit(digit) else { throw failure(path, "expected a digit after '.'") }
            skipDigits()
            isInteger = false
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard let digit = peek, isDigit(digit) else { throw failure(path, "expected a digit in the exponent") }
            skipDigits()
            isInteger = false
        }
        let number = ConfigNumber(text: String(decoding: bytes[start..<index], as: UTF8.self), isInteger: isInteger)
        guard number.double != nil else {
            throw Failure(offset: start, path: path, reason: "number \(number.text) is too large")
        }
        return number
    }

    private mutating func parseLiteral(path: String) throws(Failure) -> ConfigJSON.Value {
        for (word, value) in [("true", ConfigJSON.Value.bool(true)), ("false", .bool(false)), ("null", .null)]
        where bytes[index...].starts(with: word.utf8) {
            let end = index + word.utf8.count
            if end == bytes.count || !isWordByte(bytes[end]) {
                index = end
                return value
            }
        }
        let start = index
        while index < bytes.count, isWordByte(bytes[index]) { index += 1 }
        guard index > start else {
            index = start
            throw failure(path, "expected a value, got \(describeByte())\(quotingHint())")
        }
        let word = String(decoding: bytes[start..<index], as: UTF8.self)
        index = start
        throw failure(path, "invalid value '\(word)' (strings need double quotes; literals are true, false and null)")
    }

    /// RFC 8259 §7: escapes `\" \\ \/ \b \f \n \r \t \uXXXX` (surrogates
    /// paired); control characters must be escaped; the text must be UTF-8.
    private mutating func parseString(path: String) throws(Failure) -> String {
        let open = index
        index += 1
        var text: [UInt8] = []
        while true {
            guard index < bytes.count else {
                throw Failure(offset: open, path: path, reason: "unterminated string (no closing '\"' before end of file)")
            }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(path: path, into: &text)
            case UInt8(ascii: "\n"):
                throw failure(path, "line break inside a string (missing closing '\"'?)")
            case 0..<0x20:
                throw failure(path, "unescaped control character U+\(ConfigText.hex4(UInt32(byte))) in a string")
            case 0x80...:
                guard let length = utf8SequenceLength(at: index) else {
                    throw failure(path, "invalid UTF-8 byte 0x\(String(byte, radix: 16, uppercase: true)) in a string")
                }
                text.append(contentsOf: bytes[index..<index + length])
                index += length
            default:
                text.append(byte)
                index += 1
            }
        }
    }

    private mutating func parseEscape(path: String, into text: inout [UInt8]) throws(Failure) {
        let escapeStart = index
        index += 1
        guard let letter = peek else { throw failure(path, "unterminated escape at end of file") }
        index += 1
        let simple: UInt8?
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): simple = letter
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"): simple = nil
        default:
            throw Failure(offset: escapeStart, path: path, reason: "invalid escape '\\\(describeScalar(letter))' in a string")
        }
        if let simple {
            text.append(simple)
            return
        }
        var scalar = try parseHex4(path: path, escapeStart: escapeStart)
        if (0xD800...0xDBFF).contains(scalar) {
            // A UTF-16 high surrogate must be followed by `\u` and a low one.
            guard bytes[index...].starts(with: "\\u".utf8) else {
                throw Failure(offset: escapeStart, path: path,
                              reason: "unpaired UTF-16 surrogate \\u\(ConfigText.hex4(scalar)) in a string")
            }
            let lowStart = index
            index += 2
            let low = try parseHex4(path: path, escapeStart: lowStart)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw Failure(offset: escapeStart, path: path,
                              reason: "unpaired UTF-16 surrogate \\u\(ConfigText.hex4(scalar)) in a string")
            }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalar) {
            throw Failure(offset: escapeStart, path: path,
                          reason: "unpaired UTF-16 surrogate \\u\(ConfigText.hex4(scalar)) in a string")
        }
        text.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
    }

    private mutating func parseHex4(path: String, escapeStart: Int) throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek, let digit = hexValue(byte) else {
                throw Failure(offset: escapeStart, path: path, reason: "expected four hex digits after \\u")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    // MARK: - Bytes

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func skipDigits() {
        while let byte = peek, isDigit(byte) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "+"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// Length of the well-formed UTF-8 sequence at `offset` (Unicode 15
    /// table 3-7: no overlongs, no surrogates, nothing past U+10FFFF).
    private func utf8SequenceLength(at offset: Int) -> Int? {
        let lead = bytes[offset]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: return nil
        }
        guard offset + length <= bytes.count, secondRange.contains(bytes[offset + 1]) else { return nil }
        for next in bytes[(offset + 2)..<(offset + length)] where next & 0xC0 != 0x80 { return nil }
        return length
    }

    // MARK: - Messages

    private func failure(_ path: String, _ reason: String) -> Failure {
        Failure(offset: index, path: path, reason: reason)
    }

    /// What stands at the current offset, as a message shows it.
    private func describeByte() -> String {
        guard let byte = peek else { return "end of file" }
        if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { return "end of line" }
        if byte >= 0x80, let length = utf8SequenceLength(at: index) {
            return "'" + String(decoding: bytes[index..<index + length], as: UTF8.self) + "'"
        }
        return "'\(describeScalar(byte))'"
    }

    private func describeScalar(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16, uppercase: true)
    }

    /// The usual ways hand-written JSON goes wrong, named outright.
    private func quotingHint() -> String {
        switch peek {
        case UInt8(ascii: "/"): return " (JSON has no comments)"
        case UInt8(ascii: "'"): return " (JSON strings use double quotes)"
        case let byte? where isWordByte(byte): return " (names need double quotes)"
        default: return ""
        }
    }
}
