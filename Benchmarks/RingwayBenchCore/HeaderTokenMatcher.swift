/// Compares one comma-separated header token, byte by byte and case-insensitively,
/// with a fixed lowercase word (`chunked`, `close`, …) without buffering the value.
struct HeaderTokenMatcher: Sendable {
    private let word: StaticString
    private var matched = 0
    private var mismatch = false

    init(_ word: StaticString) { self.word = word }

    /// Feeds the next non-whitespace byte of the current token.
    @inline(__always)
    mutating func feed(_ byte: UInt8) {
        guard !mismatch else { return }
        if matched < word.utf8CodeUnitCount && asciiLowercased(byte) == word.utf8Start[matched] {
            matched += 1
        } else {
            mismatch = true
        }
    }

    /// The bytes fed since the last `reset` spell exactly the word.
    var isMatch: Bool { !mismatch && matched == word.utf8CodeUnitCount }

    mutating func reset() {
        matched = 0
        mismatch = false
    }
}

@inline(__always)
func asciiLowercased(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
}
