/// Reads exactly `{"error":{"message":S,"type":S,"code":S}}` (no whitespace,
/// the shape `OpenAIErrorBody` writes) and decodes the three strings as RFC
/// 8259 §7 says, so the fuzz target can check the escaper's output is JSON.
struct ErrorJSONReader {
    struct Decoded {
        var message: [UInt8]
        var type: [UInt8]
        var code: [UInt8]
    }

    let bytes: UnsafeRawBufferPointer
    var i = 0

    static func decode(_ body: UnsafeRawBufferPointer) -> Decoded? {
        var reader = ErrorJSONReader(bytes: body)
        guard reader.expect("{\"error\":{\"message\":"), let message = reader.string(),
              reader.expect(",\"type\":"), let type = reader.string(),
              reader.expect(",\"code\":"), let code = reader.string(),
              reader.expect("}}"), reader.i == body.count else { return nil }
        return Decoded(message: message, type: type, code: code)
    }

    mutating func expect(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard bytes.count - i >= n else { return false }
        let matches = withBytes(literal) { sameBytes(UnsafeRawBufferPointer(rebasing: bytes[i..<(i + n)]), $0) }
        if matches { i += n }
        return matches
    }

    /// A JSON string; nil on a control byte, a bad escape or a missing quote.
    mutating func string() -> [UInt8]? {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            switch b {
            case UInt8(ascii: "\""):
                return out
            case UInt8(ascii: "\\"):
                guard i < bytes.count else { return nil }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = hex4(), let unicode = Unicode.Scalar(scalar) else {
                        return nil  // a lone surrogate: the escaper never writes one
                    }
                    out += Array(String(Character(unicode)).utf8)
                default:
                    return nil
                }
            case 0..<0x20:
                return nil
            default:
                out.append(b)
            }
        }
        return nil
    }

    mutating func hex4() -> UInt32? {
        guard bytes.count - i >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            i += 1
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
