/// A latency histogram read out of shards: per-bucket counts over
/// `LatencyBuckets`, and the sum of the observations.
public struct HistogramSnapshot: Sendable, Equatable {
    /// Count per bucket, not cumulative; `LatencyBuckets.count` entries, the
    /// last one `+Inf`.
    public var buckets: [UInt64]
    public var sumNanoseconds: UInt64

    public init() {
        buckets = Array(repeating: 0, count: LatencyBuckets.count)
        sumNanoseconds = 0
    }

    public init(buckets: [UInt64], sumNanoseconds: UInt64) {
        precondition(buckets.count == LatencyBuckets.count, "histogram needs \(LatencyBuckets.count) buckets")
        self.buckets = buckets
        self.sumNanoseconds = sumNanoseconds
    }

    public var count: UInt64 { buckets.reduce(0, &+) }

    public var sumSeconds: Double { Double(sumNanoseconds) / 1e9 }

    public var meanSeconds: Double? {
        let n = count
        return n == 0 ? nil : Double(sumNanoseconds) / Double(n) / 1e9
    }

    public mutating func merge(_ other: HistogramSnapshot) {
        for i in 0..<buckets.count { buckets[i] &+= other.buckets[i] }
        sumNanoseconds &+= other.sumNanoseconds
    }

    /// The `q`-quantile in seconds, estimated as Prometheus'
    /// `histogram_quantile` does: find the bucket holding the rank and
    /// interpolate linearly inside it (the first bucket starts at 0). A rank
    /// in the `+Inf` bucket yields the highest finite bound (300 s), since
    /// nothing is known above it. Nil when empty or `q` is outside 0...1.
    public func quantile(_ q: Double) -> Double? {
        guard q >= 0 && q <= 1 else { return nil }
        let total = count
        guard total > 0 else { return nil }
        let rank = q * Double(total)
        let bounds = LatencyBuckets.upperBoundsNanoseconds
        var below: UInt64 = 0
        for (i, n) in buckets.enumerated() {
            // Skip empty buckets so q = 0 lands on the first observed one.
            if n > 0 && Double(below &+ n) >= rank {
                guard i < bounds.count else { return Double(bounds[bounds.count - 1]) / 1e9 }
                let lower = i == 0 ? 0 : Double(bounds[i - 1])
                let upper = Double(bounds[i])
                let fraction = max(0, rank - Double(below)) / Double(n)
                return (lower + (upper - lower) * fraction) / 1e9
            }
            below &+= n
        }
        return Double(bounds[bounds.count - 1]) / 1e9
    }
}
