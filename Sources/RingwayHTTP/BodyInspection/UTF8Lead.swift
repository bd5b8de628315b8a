/// What a UTF-8 lead byte requires of the bytes after it (RFC 3629 §4).
///
/// The second byte's range is narrower than 80-BF after E0 (no overlong
/// three-byte forms), ED (no UTF-16 surrogates), F0 (no overlong four-byte
/// forms) and F4 (nothing above U+10FFFF); C0, C1 and F5-FF never start a
/// valid sequence.
@usableFromInline
struct UTF8Lead {
    /// Continuation bytes still expected, 0 for an invalid lead.
    @usableFromInline var continuationCount: UInt8
    @usableFromInline var secondLow: UInt8
    @usableFromInline var secondHigh: UInt8

    @inlinable @inline(__always)
    init(_ lead: UInt8) {
        switch lead {
        case 0xC2...0xDF: self.init(1, 0x80, 0xBF)
        case 0xE0: self.init(2, 0xA0, 0xBF)
        case 0xED: self.init(2, 0x80, 0x9F)
        case 0xE1...0xEF: self.init(2, 0x80, 0xBF)
        case 0xF0: self.init(3, 0x90, 0xBF)
        case 0xF1...0xF3: self.init(3, 0x80, 0xBF)
        case 0xF4: self.init(3, 0x80, 0x8F)
        default: self.init(0, 0, 0)
        }
    }

    @inlinable @inline(__always)
    init(_ count: UInt8, _ low: UInt8, _ high: UInt8) {
        continuationCount = count
        secondLow = low
        secondHigh = high
    }
}

/// Length of the well-formed UTF-8 sequence whose lead byte (>= 0x80) is at
/// `i`, or 0 when none starts there (Unicode Table 3-7): what the JSON
/// writers copy as is, and replace by U+FFFD when 0.
@inlinable
public func utf8SequenceLength(_ bytes: UnsafeRawBufferPointer, at i: Int) -> Int {
    let rule = UTF8Lead(bytes[i])
    let length = Int(rule.continuationCount) &+ 1
    guard rule.continuationCount > 0, bytes.count &- i >= length else { return 0 }
    let second = bytes[i &+ 1]
    guard second >= rule.secondLow && second <= rule.secondHigh else { return 0 }
    var k = 2
    while k < length {
        guard bytes[i &+ k] & 0xC0 == 0x80 else { return 0 }
        k &+= 1
    }
    return length
}

/// Length of the longest prefix of `bytes[0..<count]` that does not end in
/// the middle of a UTF-8 sequence. Truncated captures are cut back to it so
/// that a consumer never sees half a character.
func utf8CompletePrefixLength(_ bytes: UnsafePointer<UInt8>, count: Int) -> Int {
    var lead = count
    var back = 0
    // A sequence is at most four bytes: look at most three back for its lead.
    while lead > 0 && back < 4 {
        lead -= 1
        back += 1
        let b = bytes[lead]
        if b & 0xC0 != 0x80 {
            let needed = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
            return needed <= back ? count : lead
        }
    }
    return count
}
