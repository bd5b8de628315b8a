/// The inner loop of JSON string scanning: skip bytes that need no attention.
/// Inside a string only `"` (end), `\` (escape), bytes below 0x20 (illegal
/// raw, RFC 8259 §7) and bytes from 0x80 (UTF-8 to validate) matter; text is
/// overwhelmingly plain ASCII between them, so eight bytes are classified per
/// step with SWAR arithmetic (see `ByteScan` for the bit tricks).
enum StringByteScan {
    static let quotes: UInt64 = 0x2222_2222_2222_2222
    static let backslashes: UInt64 = 0x5C5C_5C5C_5C5C_5C5C

    /// Index of the first byte in `[from, end)` that is `"`, `\`, < 0x20 or
    /// >= 0x80, else `end`.
    @inline(__always)
    static func firstSpecial(_ base: UnsafeRawPointer, from: Int, end: Int) -> Int {
        var i = from
        while end &- i >= 16 {
            // Two words per step: fewer loop-carried branches on long text.
            let a = ByteScan.load(base, i)
            let b = ByteScan.load(base, i &+ 8)
            let fa = special(a)
            let fb = special(b)
            if fa | fb != 0 {
                return fa != 0 ? i &+ fa.trailingZeroBitCount &>> 3 : i &+ 8 &+ fb.trailingZeroBitCount &>> 3
            }
            i &+= 16
        }
        while end &- i >= 8 {
            let found = special(ByteScan.load(base, i))
            if found != 0 { return i &+ found.trailingZeroBitCount &>> 3 }
            i &+= 8
        }
        while i < end {
            let b = base.load(fromByteOffset: i, as: UInt8.self)
            if b == 0x22 || b == 0x5C || b &- 0x20 >= 0x60 { return i }
            i &+= 1
        }
        return end
    }

    /// High bit of byte k set for special bytes. `hasByteLess` may flag
    /// bytes above a true hit, never below one, so the lowest flag is exact;
    /// the other terms are exact for every byte.
    @inline(__always)
    static func special(_ w: UInt64) -> UInt64 {
        ByteScan.zeroBytes(w ^ quotes) | ByteScan.zeroBytes(w ^ backslashes)
            | ByteScan.hasByteLess(w, than: 0x20) | (w & ByteScan.highs)
    }
}
