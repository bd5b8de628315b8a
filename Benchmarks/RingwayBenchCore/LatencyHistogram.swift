/// A log-linear latency histogram in nanoseconds, in the spirit of HdrHistogram.
///
/// Every power of two is split into 128 equal sub-buckets, so a bucket is at most
/// 1/128 of its lower bound wide and a value reported as the bucket's midpoint is
/// within 1/256 (0.39 %) of every value that fell into it. Values below 256 ns land
/// in unit-wide buckets and are exact.
///
/// ```
///  index:   0 ........ 255 | 256 ..... 383 | 384 ..... 511 | ... | 3712 .... 3839
///  width:   1 ns           | 2 ns          | 4 ns          |     | 2^28 ns
///  values:  [0, 256)       | [256, 512)    | [512, 1024)   |     | [2^35, 2^36)
/// ```
///
/// `record` is O(1) and never allocates: the counts array is sized once, at `init`,
/// for values up to `highestTrackable` (60 s); larger values are clamped to it.
public struct LatencyHistogram: Sendable, Equatable {
    static let subBucketBits = 7
    static let subBucketCount = 1 << subBucketBits  // 128 per power of two
    /// 60 s: the longest latency the benchmark cares to tell apart; longer ones clamp.
    public static let highestTrackable: UInt64 = 60_000_000_000
    static let bucketCount = index(of: highestTrackable) + 1

    private var counts: [UInt64]
    public private(set) var count: UInt64 = 0
    public private(set) var min: UInt64 = .max
    public private(set) var max: UInt64 = 0
    /// Sum of recorded values; a Double is exact up to 2^53 ns (104 days) of total latency.
    private var sum: Double = 0

    public init() {
        counts = [UInt64](repeating: 0, count: Self.bucketCount)
    }

    public var isEmpty: Bool { count == 0 }

    /// Arithmetic mean of the recorded (clamped) values, 0 when empty.
    public var mean: Double { count == 0 ? 0 : sum / Double(count) }

    @inline(__always)
    public mutating func record(_ nanoseconds: UInt64) {
        let value = Swift.min(nanoseconds, Self.highestTrackable)
        counts[Self.index(of: value)] &+= 1
        count &+= 1
        sum += Double(value)
        if value < min { min = value }
        if value > max { max = value }
    }

    /// Adds every value recorded in `other`, as if each had been recorded here.
    public mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        for index in 0..<Self.bucketCount { counts[index] &+= other.counts[index] }
        count &+= other.count
        sum += other.sum
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
    }

    /// The value below or at which `p` percent of the recorded values fall
    /// (nearest-rank definition), reported as its bucket's midpoint and clamped
    /// to [min, max]. `percentile(0)` is `min`, `percentile(100)` is `max`, 0 when empty.
    public func percentile(_ p: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        if p <= 0 { return min }
        if p >= 100 { return max }
        let rank = Self.rank(ofPercentile: p, count: count)
        var seen: UInt64 = 0
        for index in 0..<Self.bucketCount {
            seen &+= counts[index]
            if seen >= rank {
                let (lower, width) = Self.bucketBounds(index)
                return Swift.min(Swift.max(lower + (width - 1) / 2, min), max)
            }
        }
        return max
    }

    /// 1-based nearest rank of percentile `p` among `count` sorted values:
    /// ceil(p/100 × count), guarded against binary rounding (99.9 % of 1000 is 999, not 1000).
    public static func rank(ofPercentile p: Double, count: UInt64) -> UInt64 {
        let exact = p / 100 * Double(count)
        let rank = UInt64(Swift.max((exact - 1e-7).rounded(.up), 1))
        return Swift.min(rank, count)
    }

    // MARK: bucket arithmetic

    /// Below 2^8 the index is the value itself; above, the top 8 significant bits
    /// (the leading 1 and 7 sub-bucket bits) pick the slot within the value's octave.
    @inline(__always)
    static func index(of value: UInt64) -> Int {
        if value < UInt64(2 * subBucketCount) { return Int(value) }
        let topBit = 63 - value.leadingZeroBitCount
        let shift = topBit - subBucketBits
        return (shift << subBucketBits) + Int(truncatingIfNeeded: value >> UInt64(shift))
    }

    /// Lowest value of bucket `index` and how many consecutive values it holds.
    static func bucketBounds(_ index: Int) -> (lower: UInt64, width: UInt64) {
        if index < 2 * subBucketCount { return (UInt64(index), 1) }
        let shift = (index >> subBucketBits) - 1
        let subBucket = UInt64(index - (shift << subBucketBits))
        return (subBucket << UInt64(shift), 1 << UInt64(shift))
    }
}
