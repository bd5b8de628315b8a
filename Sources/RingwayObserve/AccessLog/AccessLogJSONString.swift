import RingwayHTTP

/// Bytes from a client (a request id, a model name) as a JSON string
/// (RFC 8259 §7): quotes, `"` and `\` escaped, control characters as
/// `\n`-style or `\u00XX` escapes. DEL and the C1 controls (U+0080-U+009F),
/// legal raw in JSON, are escaped too, so a line shown in a terminal cannot
/// carry control sequences. Other well-formed UTF-8 passes through; each byte
/// that does not begin a well-formed sequence (Unicode Table 3-7) becomes
/// U+FFFD, so nothing a client sends can break a line or the JSON.
enum AccessLogJSONString {
    static func append(quoted bytes: UnsafeRawBufferPointer, to out: inout AccessLogBuffer) {
        out.append(UInt8(ascii: "\""))
        var runStart = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                i += 1
                continue
            }
            if b >= 0x80 {
                let n = utf8SequenceLength(bytes, at: i)
                if n == 2 && b == 0xC2 && bytes[i + 1] < 0xA0 {
                    out.append(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i]))
                    out.append("\\u00")
                    out.appendHex(UInt64(bytes[i + 1]), width: 2)
                    i += 2
                    runStart = i
                    continue
                }
                if n > 0 { i += n; continue }
            }
            // Flush the clean run, then write this byte's replacement.
            out.append(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i]))
            switch b {
            case UInt8(ascii: "\""): out.append("\\\"")
            case UInt8(ascii: "\\"): out.append("\\\\")
            case 0x08: out.append("\\b")
            case 0x09: out.append("\\t")
            case 0x0A: out.append("\\n")
            case 0x0C: out.append("\\f")
            case 0x0D: out.append("\\r")
            case 0..<0x20, 0x7F:
                out.append("\\u00")
                out.appendHex(UInt64(b), width: 2)
            default:
                out.append("\u{FFFD}")
            }
            i += 1
            runStart = i
        }
        out.append(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i]))
        out.append(UInt8(ascii: "\""))
    }

    /// A configured name as a JSON string, quotes included, escaped once at
    /// load time.
    static func quoted(_ text: String) -> [UInt8] {
        var out = AccessLogBuffer(capacity: text.utf8.count * 6 + 2)
        defer { out.deallocate() }
        Array(text.utf8).withUnsafeBytes { append(quoted: $0, to: &out) }
        return Array(out.bytes)
    }
}
