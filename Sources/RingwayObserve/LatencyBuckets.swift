/// The one bucket set every latency histogram shares.
///
/// A 1–2.5–5 ladder from 10 µs (the proxy's own overhead is a few µs to tens
/// of µs) to 300 s (a long generation), so one set serves both overhead and
/// end-to-end figures, and histograms of different families can be compared
/// and merged bucket by bucket. Bounds are `le` (less than or equal), as
/// Prometheus defines them.
public enum LatencyBuckets {
    /// Buckets including the final `+Inf` one (inlinable literals, not
    /// stored globals, so hot-path arithmetic folds them).
    @inlinable public static var count: Int { 24 }

    /// Upper bounds of the finite buckets, in nanoseconds.
    public static let upperBoundsNanoseconds: [UInt64] = [
        10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
        1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000, 50_000_000,
        100_000_000, 250_000_000, 500_000_000, 1_000_000_000, 2_500_000_000, 5_000_000_000,
        10_000_000_000, 30_000_000_000, 60_000_000_000, 120_000_000_000, 300_000_000_000,
    ]

    /// The `le` label values, in seconds, including `+Inf`.
    public static let upperBoundLabels: [String] = [
        "0.00001", "0.000025", "0.00005", "0.0001", "0.00025", "0.0005",
        "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
        "0.1", "0.25", "0.5", "1", "2.5", "5",
        "10", "30", "60", "120", "300", "+Inf",
    ]

    /// The bucket an observation falls in: the number of bounds it exceeds.
    /// The plain definition, for tests and cold paths; shards use
    /// `LatencyBucketTable`, which gets the same answer in constant time
    /// (LLVM turns a chain of compares like this into up to 23 branches).
    public static func index(nanoseconds ns: UInt64) -> Int {
        upperBoundsNanoseconds.reduce(0) { $0 + (ns > $1 ? 1 : 0) }
    }

    /// Cells one histogram series takes in a shard: one count per bucket
    /// (not cumulative: an observation touches one cell, the scrape adds
    /// them up), then the sum in nanoseconds. `_count` is the sum of the
    /// bucket counts, so it always agrees with the `+Inf` bucket.
    @inlinable public static var cellsPerSeries: Int { 25 }
}
