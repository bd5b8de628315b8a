/// Writes bytes as the inside of a JSON string (RFC 8259 §7): `"` and `\`
/// escaped, control characters as \n, \r, \t, \b, \f or \u00XX. Well-formed
/// UTF-8 is copied as is; every byte that does not start a well-formed
/// sequence (Unicode Table 3-7) becomes U+FFFD, so upstream-supplied text can
/// never make the document invalid.
@usableFromInline
enum JSONStringEscaper {
    /// Length of the escaped form.
    @inlinable
    static func escapedCount(_ bytes: UnsafeRawBufferPointer) -> Int {
        var total = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 {
                total &+= escapedASCIICount(b)
                i &+= 1
            } else {
                let length = utf8SequenceLength(bytes, at: i)
                total &+= length == 0 ? 3 : length
                i &+= length == 0 ? 1 : length
            }
        }
        return total
    }

    @inlinable
    static func append(_ bytes: UnsafeRawBufferPointer, to w: inout ByteWriter) {
        var i = 0
        var runStart = 0
        // Copy runs of bytes that need no escaping in one go.
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 {
                if escapedASCIICount(b) == 1 { i &+= 1; continue }
                w.append(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i]))
                appendEscaped(b, to: &w)
                i &+= 1
            } else {
                let length = utf8SequenceLength(bytes, at: i)
                if length > 0 { i &+= length; continue }
                w.append(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i]))
                w.append("\u{FFFD}")
                i &+= 1
            }
            runStart = i
        }
        w.append(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i]))
    }

    @inlinable
    static func escapedASCIICount(_ b: UInt8) -> Int {
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x08, 0x09, 0x0A, 0x0C, 0x0D: return 2
        case 0..<0x20: return 6
        default: return 1
        }
    }

    @inlinable
    static func appendEscaped(_ b: UInt8, to w: inout ByteWriter) {
        switch b {
        case UInt8(ascii: "\""): w.append("\\\"")
        case UInt8(ascii: "\\"): w.append("\\\\")
        case 0x08: w.append("\\b")
        case 0x09: w.append("\\t")
        case 0x0A: w.append("\\n")
        case 0x0C: w.append("\\f")
        case 0x0D: w.append("\\r")
        default:
            let hex: StaticString = "0123456789abcdef"
            w.append("\\u00")
            hex.withUTF8Buffer { digits in
                w.append(byte: digits[Int(b >> 4)])
                w.append(byte: digits[Int(b & 0xF)])
            }
        }
    }
}
