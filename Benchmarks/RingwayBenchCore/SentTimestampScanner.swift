/// Finds `"mock_sent_ns":<digits>` in a body as it streams past, across any split.
///
/// The mock upstream stamps every SSE event with its CLOCK_REALTIME send time; the
/// difference to our receive time is what the path between them (the proxy) added
/// to that one chunk.
struct SentTimestampScanner: Sendable {
    // `"mock_sent_ns":` — 15 bytes. Its only repeated byte is the quote at 0 and 13.
    private static let pattern: StaticString = "\"mock_sent_ns\":"
    private static let patternLength = 15
    private static let quote = UInt8(ascii: "\"")

    /// Bytes of the pattern matched so far; `patternLength` while reading digits.
    private var matched = 0
    private var value: UInt64 = 0
    private var digits = 0

    mutating func reset() { self = SentTimestampScanner() }

    /// Scans `bytes[position..<end]`. Returns a timestamp as soon as the byte after
    /// its last digit is seen, leaving `position` at that byte (unconsumed, since it
    /// may begin the next match); returns nil with `position == end` otherwise.
    mutating func scan(_ bytes: UnsafePointer<UInt8>, _ position: inout Int, _ end: Int) -> UInt64? {
        let pattern = Self.pattern.utf8Start
        var i = position
        while i < end {
            let byte = bytes[i]
            if matched == Self.patternLength {
                if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") && digits < 19 {
                    value = value &* 10 &+ UInt64(byte &- UInt8(ascii: "0"))
                    digits += 1
                    i += 1
                    continue
                }
                if digits == 0 && (byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")) {
                    i += 1  // JSON allows whitespace after the colon
                    continue
                }
                let found = digits > 0 ? value : nil
                matched = 0
                value = 0
                digits = 0
                if let found {
                    position = i
                    return found
                }
                continue  // re-examine this byte from the start of the pattern
            }
            if byte == pattern[matched] {
                matched += 1
            } else if byte == Self.quote {
                matched = 1
            } else if matched == 14 && byte == pattern[1] {
                // Matched `"mock_sent_ns"` then not a colon: the closing quote may open `"m…`.
                matched = 2
            } else {
                matched = 0
            }
            i += 1
        }
        position = end
        return nil
    }
}
