/// Character classes of RFC 9110 §5.6.2 (token) and RFC 9112 §3.2 / §5
/// (request-target, field-value), as branch-light predicates.
@usableFromInline
enum ByteClass {
    // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
    //         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA      (RFC 9110 §5.6.2)
    // As two 64-bit membership masks: bit n of `tokenLow` is byte n (0-63),
    // bit n of `tokenHigh` is byte 64+n. Constants in the instruction stream
    // beat a lookup table, which Swift would put behind a lazy global.
    @inlinable static var tokenLow: UInt64 { 0x03FF_6CFA_0000_0000 }
    @inlinable static var tokenHigh: UInt64 { 0x57FF_FFFF_C7FF_FFFE }

    @inlinable @inline(__always)
    static func isToken(_ b: UInt8) -> Bool {
        let mask = b < 64 ? tokenLow : (b < 128 ? tokenHigh : 0)
        return (mask >> UInt64(b & 63)) & 1 != 0
    }

    /// field-vchar, SP or HTAB: everything but CTLs other than HTAB, and DEL.
    /// obs-text (0x80-0xFF) is allowed (RFC 9110 §5.5).
    @inlinable @inline(__always)
    static func isFieldValueByte(_ b: UInt8) -> Bool {
        (b >= 0x20 && b != ASCII.del) || b == ASCII.htab
    }

    @inlinable @inline(__always)
    static func isWhitespace(_ b: UInt8) -> Bool {
        b == ASCII.space || b == ASCII.htab
    }

    @inlinable @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool {
        b &- 0x30 < 10
    }

    @inlinable @inline(__always)
    static func isAlpha(_ b: UInt8) -> Bool {
        (b | 0x20) &- 0x61 < 26
    }

    /// Value of a HEXDIG, or nil.
    @inlinable @inline(__always)
    static func hexValue(_ b: UInt8) -> UInt8? {
        if b &- 0x30 < 10 { return b &- 0x30 }
        let lower = b | 0x20
        if lower &- 0x61 < 6 { return lower &- 0x61 &+ 10 }
        return nil
    }

    /// ASCII lowercase; other bytes unchanged.
    @inlinable @inline(__always)
    static func lowercased(_ b: UInt8) -> UInt8 {
        b &- 0x41 < 26 ? b | 0x20 : b
    }
}
