/// A growing byte buffer with the few formatters the text exposition needs.
///
/// Numbers are formatted from integers by hand: durations are kept in
/// nanoseconds and cost in micro-dollars, so their decimal form is exact
/// ("0.000012345", not "1.2345e-05") and no `Double` printing is involved.
struct ExpositionBuffer {
    var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func append(_ raw: [UInt8]) {
        bytes.append(contentsOf: raw)
    }

    mutating func append(byte: UInt8) {
        bytes.append(byte)
    }

    mutating func append(_ value: UInt64) {
        appendDigits(value, minimumWidth: 1)
    }

    mutating func append(signed value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            append(value.magnitude)
        } else {
            append(UInt64(value))
        }
    }

    /// `value / 10^decimals`, exactly, trailing zeros trimmed: `1500, 3` → `1.5`.
    mutating func append(_ value: UInt64, decimals: Int) {
        var unit: UInt64 = 1
        for _ in 0..<decimals { unit *= 10 }
        append(value / unit)
        var fraction = value % unit
        guard fraction > 0 else { return }
        var width = decimals
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        bytes.append(UInt8(ascii: "."))
        appendDigits(fraction, minimumWidth: width)
    }

    /// Decimal digits of `value`, zero-padded on the left to `minimumWidth`:
    /// written least significant first, then reversed in place, so no
    /// scratch array is allocated per number.
    private mutating func appendDigits(_ value: UInt64, minimumWidth: Int) {
        let start = bytes.count
        var v = value
        var written = 0
        while v > 0 || written < minimumWidth {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10))
            v /= 10
            written += 1
        }
        bytes[start...].reverse()
    }

    /// `# HELP` text: backslash and line feed escaped (text format 0.0.4).
    mutating func appendEscapedHelp(_ text: String) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            default: bytes.append(byte)
            }
        }
    }

    /// A label value: backslash, double quote and line feed escaped (text
    /// format 0.0.4); every other byte, UTF-8 included, passes as it is.
    static func appendEscapedLabelValue(_ value: String, to out: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            default: out.append(byte)
            }
        }
    }
}
