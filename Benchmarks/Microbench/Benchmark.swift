/// One measured operation.
///
/// `run(iterations)` performs the operation that many times and returns a
/// checksum of the results, which the runner hands to `blackHole`. The loop
/// lives inside `run`, so the closure call and the clock reads happen once
/// per round, not once per operation.
struct Benchmark {
    var name: String
    /// What one operation is, for the table ("request", "stream", "pair").
    var unit: String
    /// Bytes one operation processes, for GB/s; 0 when throughput means nothing.
    var bytesPerOperation: Int
    var run: (Int) -> Int
}

/// The figures of one benchmark: nanoseconds per operation in each round.
struct BenchmarkResult {
    var benchmark: Benchmark
    var iterationsPerRound: Int
    var nanosecondsPerOperation: [Double]

    var median: Double {
        let sorted = nanosecondsPerOperation.sorted()
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    var minimum: Double { nanosecondsPerOperation.min() ?? 0 }
    var maximum: Double { nanosecondsPerOperation.max() ?? 0 }

    /// Bytes per nanosecond is gigabytes (10^9) per second.
    var gigabytesPerSecond: Double? {
        benchmark.bytesPerOperation > 0 ? Double(benchmark.bytesPerOperation) / median : nil
    }
}
