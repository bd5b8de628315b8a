/// murmur3's fmix64 finalizer: every input bit flips each output bit with
/// probability about one half, so the low bits of a hash can be used alone
/// (affinity rings, sampling thresholds).
@inlinable
public func avalanche(_ value: UInt64) -> UInt64 {
    var h = value
    h ^= h >> 33
    h &*= 0xFF51_AFD7_ED55_8CCD
    h ^= h >> 33
    h &*= 0xC4CE_B9FE_1A85_EC53
    h ^= h >> 33
    return h
}
