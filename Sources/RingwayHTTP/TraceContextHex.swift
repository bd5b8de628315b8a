/// Lowercase hexadecimal as W3C Trace Context spells it (`HEXDIGLC`): the
/// spec rejects uppercase, so decoding does not fold case.
@usableFromInline
enum TraceContextHex {
    /// The value of `count` (<= 16) lowercase hex digits at `offset`, or nil if
    /// any byte is not one of `0-9a-f`.
    @inlinable
    static func decode(_ value: UnsafeRawBufferPointer, at offset: Int, count: Int) -> UInt64? {
        var result: UInt64 = 0
        var i = offset
        let end = offset &+ count
        while i < end {
            let b = value[i]
            let digit: UInt8
            switch b {
            case 0x30...0x39: digit = b &- 0x30
            case 0x61...0x66: digit = b &- 0x61 &+ 10
            default: return nil
            }
            result = result << 4 | UInt64(digit)
            i &+= 1
        }
        return result
    }

    /// Writes `count` (<= 16) lowercase hex digits of the low bits of `value`
    /// at `at`, most significant first.
    @inlinable
    static func encode(_ value: UInt64, count: Int, at: UnsafeMutableRawPointer) {
        var v = value
        var k = count
        while k > 0 {
            k &-= 1
            let nibble = UInt8(truncatingIfNeeded: v & 0xF)
            at.storeBytes(of: nibble < 10 ? nibble &+ 0x30 : nibble &+ (0x61 &- 10), toByteOffset: k, as: UInt8.self)
            v >>= 4
        }
    }
}
