/// Finds an observation's bucket with one `lzcnt`, two table loads and one
/// compare, branch-free, whatever the latency.
///
/// Consecutive bounds are at least 2× apart (the ratios are 2, 2.5 and 3),
/// so a power-of-two interval [2^k, 2^(k+1)) holds at most one bound. For
/// `k = ⌊log2 ns⌋` every bound below 2^k is exceeded, every bound from
/// 2^(k+1) up is not, and only the first bound at or above 2^k needs a
/// compare:
///
/// ```
///   index = below[k] + (ns > bounds[below[k]] ? 1 : 0)
///   below[k]  = number of bounds < 2^k          (64 bytes)
///   bounds[i] = LatencyBuckets bound i; bounds[23] = UInt64.max
/// ```
///
/// The tables live in memory the shard owns rather than in globals: a
/// global in another module is reached through a lazy-initialising
/// accessor on every use.
@usableFromInline
struct LatencyBucketTable {
    @usableFromInline let bounds: UnsafeMutablePointer<UInt64>
    @usableFromInline let below: UnsafeMutablePointer<UInt8>

    static func allocate() -> LatencyBucketTable {
        let finite = LatencyBuckets.upperBoundsNanoseconds
        let bounds = UnsafeMutablePointer<UInt64>.allocate(capacity: LatencyBuckets.count)
        bounds.initialize(from: finite + [UInt64.max], count: LatencyBuckets.count)
        let below = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
        for k in 0..<64 {
            below[k] = UInt8(finite.filter { $0 < (1 as UInt64) << k }.count)
        }
        for i in 1..<finite.count {
            precondition(finite[i] >= 2 * finite[i - 1], "LatencyBucketTable needs bounds at least 2x apart")
        }
        return LatencyBucketTable(bounds: bounds, below: below)
    }

    func deallocate() {
        bounds.deallocate()
        below.deallocate()
    }

    @inlinable @inline(__always)
    func index(_ ns: UInt64) -> Int {
        let k = 63 &- (ns | 1).leadingZeroBitCount
        let i = Int(below[k])
        return i &+ (ns > bounds[i] ? 1 : 0)
    }
}
