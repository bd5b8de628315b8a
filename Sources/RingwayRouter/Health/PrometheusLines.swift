/// Walks the samples of a Prometheus text exposition:
/// `name{label="value",…} value [timestamp]`, one per line; `#` lines
/// (HELP, TYPE, comments) and blank lines skipped. Label values may hold
/// escaped quotes (`\"`), backslashes and braces, so the label block is
/// skipped by scanning quoted strings, not by looking for the first '}'.
/// A line that does not parse is skipped, not fatal: one odd metric from a
/// newer server version must not blind the router to the rest.
struct PrometheusLines {
    struct Sample {
        var name: UnsafeRawBufferPointer
        var value: Double
    }

    private let text: UnsafeRawBufferPointer
    private var position = 0

    init(_ text: UnsafeRawBufferPointer) { self.text = text }

    mutating func next() -> Sample? {
        while position < text.count {
            var end = position
            while end < text.count && text[end] != UInt8(ascii: "\n") { end += 1 }
            let line = position..<end
            position = end + 1
            if let sample = parse(line) { return sample }
        }
        return nil
    }

    private func parse(_ line: Range<Int>) -> Sample? {
        var index = line.lowerBound
        skipBlanks(&index, line.upperBound)
        guard index < line.upperBound, text[index] != UInt8(ascii: "#") else { return nil }
        let nameStart = index
        while index < line.upperBound && isNameByte(text[index]) { index += 1 }
        guard index > nameStart else { return nil }
        let name = UnsafeRawBufferPointer(rebasing: text[nameStart..<index])
        if index < line.upperBound && text[index] == UInt8(ascii: "{") {
            guard skipLabels(&index, line.upperBound) else { return nil }
        }
        skipBlanks(&index, line.upperBound)
        let valueStart = index
        while index < line.upperBound && text[index] != UInt8(ascii: " ") && text[index] != UInt8(ascii: "\t")
            && text[index] != UInt8(ascii: "\r") { index += 1 }
        guard let value = parseDouble(valueStart..<index) else { return nil }
        return Sample(name: name, value: value)
    }

    @inline(__always)
    private func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: ":"): return true
        default: return false
        }
    }

    private func skipBlanks(_ index: inout Int, _ end: Int) {
        while index < end && (text[index] == UInt8(ascii: " ") || text[index] == UInt8(ascii: "\t")) { index += 1 }
    }

    /// From '{' to just past the matching '}', honouring quoted values.
    private func skipLabels(_ index: inout Int, _ end: Int) -> Bool {
        index += 1
        var quoted = false
        while index < end {
            let byte = text[index]
            if quoted {
                if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { quoted = false }
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
            } else if byte == UInt8(ascii: "}") {
                index += 1
                return true
            }
            index += 1
        }
        return false
    }

    /// Go's ParseFloat forms as Prometheus writes them: `12`, `-0.5`,
    /// `1.5e-3`, `1E+06`, `NaN`, `+Inf`, `-Inf`. Decimal digits beyond 19
    /// are dropped from the mantissa (a load figure needs no more).
    private func parseDouble(_ range: Range<Int>) -> Double? {
        var index = range.lowerBound
        let end = range.upperBound
        guard index < end else { return nil }
        var negative = false
        if text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
            negative = text[index] == UInt8(ascii: "-")
            index += 1
        }
        let rest = UnsafeRawBufferPointer(rebasing: text[index..<end])
        if bytesEqual(rest, "NaN") { return .nan }
        if bytesEqual(rest, "Inf") {
            return negative ? -.infinity : .infinity
        }
        var mantissa: UInt64 = 0
        var exponent = 0
        var digits = 0
        var sawDot = false
        while index < end {
            let byte = text[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                if mantissa < 1_000_000_000_000_000_000 {
                    mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0"))
                    if sawDot { exponent -= 1 }
                } else if !sawDot {
                    exponent += 1
                }
                digits += 1
            } else if byte == UInt8(ascii: ".") && !sawDot {
                sawDot = true
            } else {
                break
            }
            index += 1
        }
        guard digits > 0 else { return nil }
        if index < end {
            guard text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E") else { return nil }
            index += 1
            var exponentNegative = false
            if index < end && (text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+")) {
                exponentNegative = text[index] == UInt8(ascii: "-")
                index += 1
            }
            var written = 0
            var exponentDigits = 0
            while index < end, text[index] >= UInt8(ascii: "0"), text[index] <= UInt8(ascii: "9") {
                written = min(written * 10 + Int(text[index] - UInt8(ascii: "0")), 10_000)
                exponentDigits += 1
                index += 1
            }
            guard exponentDigits > 0, index == end else { return nil }
            exponent += exponentNegative ? -written : written
        }
        var value = Double(mantissa)
        if exponent != 0 {
            // Powers of ten by squaring: exact up to 10^22, then within an
            // ulp or two, plenty for load figures.
            var power = 1.0
            var base = 10.0
            var remaining = exponent.magnitude
            while remaining > 0 {
                if remaining & 1 == 1 { power *= base }
                base *= base
                remaining >>= 1
            }
            value = exponent < 0 ? value / power : value * power
        }
        return negative ? -value : value
    }
}

/// Whether `bytes` spell `literal` exactly (a StaticString: no allocation).
@inline(__always)
func bytesEqual(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
    guard bytes.count == literal.utf8CodeUnitCount, let base = bytes.baseAddress else {
        return bytes.isEmpty && literal.utf8CodeUnitCount == 0
    }
    return memoryEqual(base, UnsafeRawPointer(literal.utf8Start), count: bytes.count)
}
