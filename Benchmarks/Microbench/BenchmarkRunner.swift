import RingwayIO

/// Times benchmarks with the monotonic clock: calibrates an iteration count
/// so one round lasts about `roundNanoseconds`, then keeps the median of
/// `rounds` rounds. The median, not the mean, because a 2-core VM loses whole
/// milliseconds to its neighbours now and then; min and max show the spread.
struct BenchmarkRunner {
    var rounds: Int
    var roundNanoseconds: UInt64

    func measure(_ benchmark: Benchmark) -> BenchmarkResult {
        let iterations = calibrate(benchmark)
        var perOperation: [Double] = []
        perOperation.reserveCapacity(rounds)
        for _ in 0..<rounds {
            let start = monotonicNanoseconds()
            let checksum = benchmark.run(iterations)
            let elapsed = monotonicNanoseconds() - start
            blackHole(checksum)
            perOperation.append(Double(elapsed) / Double(iterations))
        }
        return BenchmarkResult(benchmark: benchmark, iterationsPerRound: iterations, nanosecondsPerOperation: perOperation)
    }

    /// Doubles the iteration count until a round takes a tenth of the target,
    /// then scales it to the target. The doubling rounds also warm caches,
    /// branch predictors and the arrays' capacity.
    func calibrate(_ benchmark: Benchmark) -> Int {
        var iterations = 1
        while true {
            let start = monotonicNanoseconds()
            blackHole(benchmark.run(iterations))
            let elapsed = max(monotonicNanoseconds() - start, 1)
            if elapsed >= roundNanoseconds / 10 || iterations >= 1 << 30 {
                let scaled = Double(iterations) * Double(roundNanoseconds) / Double(elapsed)
                return max(1, Int(scaled))
            }
            iterations *= 2
        }
    }
}
