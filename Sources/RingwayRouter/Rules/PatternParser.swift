/// Parses the pattern syntax of `BytePattern` (see there) into a
/// `PatternNode` tree by recursive descent:
///
/// ```
/// alternation   := concatenation ('|' concatenation)*
/// concatenation := quantified*
/// quantified    := atom (('*' | '+' | '?' | '{m}' | '{m,}' | '{m,n}') '?'?)?
/// atom          := '(' ('?:')? alternation ')' | '[' class ']' | '.' | '^' | '$'
///                | '\' escape | literal
/// ```
///
/// Errors name the byte offset of the culprit: for an unclosed group, its
/// '('; for a bad escape, its '\'.
struct PatternParser {
    static let maxRepetition = 100
    /// Recursion guard: config files are trusted, but a 10k-deep nest of
    /// groups should still be an error, not a stack overflow.
    static let maxNesting = 64

    private let bytes: [UInt8]
    private var position = 0
    private var caseInsensitive = false
    private var nesting = 0

    init(_ pattern: String) { bytes = Array(pattern.utf8) }

    mutating func parse() throws(BytePatternError) -> PatternNode {
        if bytes.starts(with: Array("(?i)".utf8)) {
            caseInsensitive = true
            position = 4
        }
        let node = try parseAlternation()
        if position < bytes.count {
            // parseAlternation stops only at the end or at a ')' it did not open.
            throw BytePatternError(offset: position, reason: "unbalanced ')'")
        }
        return node
    }

    private var atEnd: Bool { position >= bytes.count }
    private func peek(_ ahead: Int = 0) -> UInt8? {
        position + ahead < bytes.count ? bytes[position + ahead] : nil
    }

    private mutating func parseAlternation() throws(BytePatternError) -> PatternNode {
        var branches = [try parseConcatenation()]
        while peek() == UInt8(ascii: "|") {
            position += 1
            branches.append(try parseConcatenation())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseConcatenation() throws(BytePatternError) -> PatternNode {
        var items: [PatternNode] = []
        while let byte = peek(), byte != UInt8(ascii: "|"), byte != UInt8(ascii: ")") {
            items.append(try parseQuantified())
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concatenation(items)
        }
    }

    private mutating func parseQuantified() throws(BytePatternError) -> PatternNode {
        let atomOffset = position
        let atom = try parseAtom()
        guard let (minimum, maximum) = try parseQuantifier() else { return atom }
        if case .assertion = atom {
            throw BytePatternError(offset: atomOffset, reason: "an anchor cannot be repeated")
        }
        // A lazy '?' changes which match is found, not whether one is: the
        // engine only answers whether, so it is accepted and ignored.
        if peek() == UInt8(ascii: "?") { position += 1 }
        if let next = peek(), next == UInt8(ascii: "*") || next == UInt8(ascii: "+") || next == UInt8(ascii: "?")
            || (next == UInt8(ascii: "{") && boundsAhead() != nil) {
            throw BytePatternError(offset: position, reason: "nothing to repeat")
        }
        return .repetition(atom, min: minimum, max: maximum)
    }

    /// The quantifier at the position, consumed; nil when there is none.
    private mutating func parseQuantifier() throws(BytePatternError) -> (Int, Int?)? {
        switch peek() {
        case UInt8(ascii: "*"): position += 1; return (0, nil)
        case UInt8(ascii: "+"): position += 1; return (1, nil)
        case UInt8(ascii: "?"): position += 1; return (0, 1)
        case UInt8(ascii: "{"):
            guard let (minimum, maximum, length) = boundsAhead() else { return nil }
            let offset = position
            if minimum > Self.maxRepetition || (maximum ?? 0) > Self.maxRepetition {
                throw BytePatternError(offset: offset, reason: "repetition bound over \(Self.maxRepetition)")
            }
            if let maximum, maximum < minimum {
                throw BytePatternError(offset: offset, reason: "repetition range {\(minimum),\(maximum)} is backwards")
            }
            position += length
            return (minimum, maximum)
        default: return nil
        }
    }

    /// `{m}`, `{m,}` or `{m,n}` at the position: (m, n, length). Anything
    /// else after '{' makes it a literal '{', as in PCRE.
    private func boundsAhead() -> (Int, Int?, Int)? {
        var index = position + 1
        func number(_ index: inout Int) -> Int? {
            var value = 0
            var digits = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                value = min(value * 10 + Int(bytes[index] - UInt8(ascii: "0")), 1_000_000)
                digits += 1
                index += 1
            }
            return digits > 0 ? value : nil
        }
        guard let minimum = number(&index), index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "}") { return (minimum, minimum, index + 1 - position) }
        guard bytes[index] == UInt8(ascii: ","), index + 1 < bytes.count else { return nil }
        index += 1
        if bytes[index] == UInt8(ascii: "}") { return (minimum, nil, index + 1 - position) }
        guard let maximum = number(&index), index < bytes.count, bytes[index] == UInt8(ascii: "}") else { return nil }
        return (minimum, maximum, index + 1 - position)
    }

    private mutating func parseAtom() throws(BytePatternError) -> PatternNode {
        let offset = position
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "("):
            return try parseGroup(openedAt: offset)
        case UInt8(ascii: "["):
            return .bytes(try parseClass(openedAt: offset))
        case UInt8(ascii: "."):
            return .bytes(ByteSet.dot)
        case UInt8(ascii: "^"):
            return .assertion(.start)
        case UInt8(ascii: "$"):
            return .assertion(.end)
        case UInt8(ascii: "\\"):
            return try parseEscape(at: offset)
        case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"):
            throw BytePatternError(offset: offset, reason: "nothing to repeat")
        case UInt8(ascii: "{"):
            position = offset
            if boundsAhead() != nil { throw BytePatternError(offset: offset, reason: "nothing to repeat") }
            position += 1
            return literal(byte)
        case 0x80...0xff:
            // A multi-byte UTF-8 character is one atom, so `é+` repeats the
            // whole character, not its last byte.
            var items = [literal(byte)]
            while let next = peek(), next & 0xc0 == 0x80 {
                items.append(literal(next))
                position += 1
            }
            return items.count == 1 ? items[0] : .concatenation(items)
        default:
            return literal(byte)
        }
    }

    private func literal(_ byte: UInt8) -> PatternNode {
        let set = ByteSet(byte)
        return .bytes(caseInsensitive ? set.caseFolded() : set)
    }

    private mutating func parseGroup(openedAt offset: Int) throws(BytePatternError) -> PatternNode {
        if peek() == UInt8(ascii: "?") {
            if peek(1) == UInt8(ascii: ":") {
                position += 2
            } else if peek(1) == UInt8(ascii: "i") && peek(2) == UInt8(ascii: ")") {
                throw BytePatternError(offset: offset, reason: "(?i) is supported only at the start of the pattern")
            } else {
                throw BytePatternError(offset: offset, reason: "unsupported group syntax '(?'")
            }
        }
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Self.maxNesting {
            throw BytePatternError(offset: offset, reason: "groups nested deeper than \(Self.maxNesting)")
        }
        let inner = try parseAlternation()
        guard peek() == UInt8(ascii: ")") else {
            throw BytePatternError(offset: offset, reason: "missing ')' for '('")
        }
        position += 1
        return inner
    }

    /// After the '\' (at `offset`) outside a class.
    private mutating func parseEscape(at offset: Int) throws(BytePatternError) -> PatternNode {
        guard let byte = peek() else { throw BytePatternError(offset: offset, reason: "trailing '\\'") }
        switch byte {
        case UInt8(ascii: "b"): position += 1; return .assertion(.wordBoundary)
        case UInt8(ascii: "B"): position += 1; return .assertion(.notWordBoundary)
        default:
            let set = try parseEscapedSet(at: offset)
            return .bytes(caseInsensitive ? set.caseFolded() : set)
        }
    }

    /// The byte set of an escape (after its '\', at `offset`), in or out of
    /// a class: shorthand classes, control characters, `\xHH`, and any
    /// escaped ASCII punctuation. Letters and digits with no meaning are
    /// errors, so `\1` or `\p{L}` does not silently match something else.
    private mutating func parseEscapedSet(at offset: Int) throws(BytePatternError) -> ByteSet {
        guard let byte = peek() else { throw BytePatternError(offset: offset, reason: "trailing '\\'") }
        position += 1
        switch byte {
        case UInt8(ascii: "d"): return .digits
        case UInt8(ascii: "D"): return ByteSet.digits.inverted()
        case UInt8(ascii: "w"): return .word
        case UInt8(ascii: "W"): return ByteSet.word.inverted()
        case UInt8(ascii: "s"): return .space
        case UInt8(ascii: "S"): return ByteSet.space.inverted()
        case UInt8(ascii: "n"): return ByteSet(0x0a)
        case UInt8(ascii: "t"): return ByteSet(0x09)
        case UInt8(ascii: "r"): return ByteSet(0x0d)
        case UInt8(ascii: "f"): return ByteSet(0x0c)
        case UInt8(ascii: "v"): return ByteSet(0x0b)
        case UInt8(ascii: "0"): return ByteSet(0x00)
        case UInt8(ascii: "x"):
            guard let high = peek().flatMap(hexValue), let low = peek(1).flatMap(hexValue) else {
                throw BytePatternError(offset: offset, reason: "'\\x' needs two hex digits")
            }
            position += 2
            return ByteSet(high << 4 | low)
        case 0x21...0x2f, 0x3a...0x40, 0x5b...0x60, 0x7b...0x7e, UInt8(ascii: " "):
            return ByteSet(byte)
        default:
            let shown = byte < 0x80 ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
            throw BytePatternError(offset: offset, reason: "unknown escape '\\\(shown)'")
        }
    }

    private func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// After the '[' at `offset`: `[abc]`, `[^abc]`, ranges `a-z`, escapes.
    /// A ']' right after the '[' (or '[^') and a '-' first or last are
    /// literals. Classes hold bytes, so non-ASCII characters are refused
    /// rather than split into bytes that would each match alone.
    private mutating func parseClass(openedAt offset: Int) throws(BytePatternError) -> ByteSet {
        var negated = false
        if peek() == UInt8(ascii: "^") {
            negated = true
            position += 1
        }
        var set = ByteSet()
        var first = true
        while true {
            guard let byte = peek() else {
                throw BytePatternError(offset: offset, reason: "unterminated character class")
            }
            if byte == UInt8(ascii: "]") && !first {
                position += 1
                break
            }
            first = false
            let itemOffset = position
            guard let low = try parseClassItem(into: &set) else { continue }
            // A range needs a '-' followed by something other than the closing ']'.
            guard peek() == UInt8(ascii: "-"), let after = peek(1), after != UInt8(ascii: "]") else {
                set.insert(low)
                continue
            }
            position += 1
            var ignored = ByteSet()
            guard let high = try parseClassItem(into: &ignored) else {
                throw BytePatternError(offset: itemOffset, reason: "a class shorthand cannot end a range")
            }
            guard low <= high else {
                throw BytePatternError(offset: itemOffset, reason: "range out of order")
            }
            set.insert(low...high)
        }
        if caseInsensitive { set = set.caseFolded() }
        return negated ? set.inverted() : set
    }

    /// One class member: returns its byte, or nil after adding a shorthand
    /// (`\d`, `\w` …) to `set` directly.
    private mutating func parseClassItem(into set: inout ByteSet) throws(BytePatternError) -> UInt8? {
        let offset = position
        let byte = bytes[position]
        if byte >= 0x80 {
            throw BytePatternError(offset: offset, reason: "non-ASCII character in a class")
        }
        position += 1
        guard byte == UInt8(ascii: "\\") else { return byte }
        if peek() == UInt8(ascii: "b") {
            position += 1
            return 0x08  // backspace inside a class, as in PCRE
        }
        let escaped = try parseEscapedSet(at: offset)
        if let single = escaped.single { return single }
        set.formUnion(escaped)
        return nil
    }
}
