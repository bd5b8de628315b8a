/// A set of byte values as a 256-bit map: what one step of a pattern may
/// consume. Membership is a shift and a mask, with no branch per member.
struct ByteSet: Sendable, Equatable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init() {}

    init(_ byte: UInt8) { insert(byte) }

    static let all: ByteSet = {
        var set = ByteSet()
        set.words = (.max, .max, .max, .max)
        return set
    }()

    static func == (lhs: ByteSet, rhs: ByteSet) -> Bool {
        lhs.words == rhs.words
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    mutating func insert(_ range: ClosedRange<UInt8>) {
        for byte in range { insert(byte) }
    }

    mutating func formUnion(_ other: ByteSet) {
        words = (words.0 | other.words.0, words.1 | other.words.1, words.2 | other.words.2, words.3 | other.words.3)
    }

    func inverted() -> ByteSet {
        var set = ByteSet()
        set.words = (~words.0, ~words.1, ~words.2, ~words.3)
        return set
    }

    /// Bits for bytes 64 x index ..< 64 x (index + 1).
    func word(_ index: Int) -> UInt64 {
        switch index {
        case 0: return words.0
        case 1: return words.1
        case 2: return words.2
        default: return words.3
        }
    }

    var count: Int {
        words.0.nonzeroBitCount + words.1.nonzeroBitCount + words.2.nonzeroBitCount + words.3.nonzeroBitCount
    }

    /// The only member of a one-byte set.
    var single: UInt8? {
        guard count == 1 else { return nil }
        for byte in UInt8.min...UInt8.max where contains(byte) { return byte }
        return nil
    }

    /// Adds the other case of every ASCII letter (`(?i)`); bytes outside
    /// ASCII are left alone, as they are in the input.
    func caseFolded() -> ByteSet {
        var set = self
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") where contains(byte) || contains(byte - 32) {
            set.insert(byte)
            set.insert(byte - 32)
        }
        return set
    }

    // The shorthand classes, ASCII only (`\w` does not match letters beyond
    // ASCII: a byte engine cannot tell a UTF-8 letter from punctuation).
    static let digits: ByteSet = {
        var set = ByteSet()
        set.insert(UInt8(ascii: "0")...UInt8(ascii: "9"))
        return set
    }()

    static let word: ByteSet = {
        var set = digits
        set.insert(UInt8(ascii: "a")...UInt8(ascii: "z"))
        set.insert(UInt8(ascii: "A")...UInt8(ascii: "Z"))
        set.insert(UInt8(ascii: "_"))
        return set
    }()

    /// Space, \t, \n, \v, \f, \r.
    static let space: ByteSet = {
        var set = ByteSet(UInt8(ascii: " "))
        set.insert(0x09...0x0d)
        return set
    }()

    /// `.`: every byte but \n, as in most engines without a dotall flag.
    static let dot: ByteSet = ByteSet(0x0a).inverted()
}
