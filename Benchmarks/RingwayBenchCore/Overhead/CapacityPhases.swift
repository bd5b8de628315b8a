/// The two ramped figures of `overhead`: the highest request rate whose p99
/// stays under a bound, and the most concurrent paced streams held without a
/// stall. Both are searched per system, after the fixed-rate phases, with
/// short steps (`--search-seconds`).
enum CapacityPhases {
    /// Rates are tried upward from half the saturated throughput by ×1.25
    /// until the p99 bound breaks (or errors appear), then bisected twice
    /// between the last rate that held and the first that did not.
    static func rateUnderP99(
        saturated: Double, options: OverheadOptions, run: (Double) throws -> LoadResult
    ) rethrows -> Double? {
        let bound = UInt64(options.p99BoundMs * 1_000_000)
        func holds(_ rate: Double) throws -> Bool {
            let result = try run(rate)
            return result.errors.total == 0 && !result.latency.isEmpty && result.latency.percentile(99) <= bound
                && result.achievedRate >= rate * 0.95
        }
        var good: Double?
        var bad: Double?
        var rate = max(100, (saturated * 0.5).rounded())
        for _ in 0..<8 {
            if try holds(rate) {
                good = rate
                rate = (rate * 1.25).rounded()
            } else {
                bad = rate
                break
            }
        }
        guard var low = good, var high = bad else { return good }
        for _ in 0..<2 {
            let middle = ((low + high) / 2).rounded()
            if try holds(middle) { low = middle } else { high = middle }
        }
        return low
    }

    /// Concurrent streams, doubling from 32: each connection streams tokens
    /// paced `--stream-pacing-ms` apart for about a second, over and over. A
    /// stall is a chunk relayed more than one pacing interval late (so the
    /// client saw a gap of over twice the pacing), or any error. Returns the
    /// most streams held, 0 if even 32 stalled.
    static func streamsWithoutStall(
        options: OverheadOptions, run: (_ streams: Int, _ pacingUs: Int, _ tokens: Int) throws -> LoadResult
    ) rethrows -> Int {
        let pacingUs = Int(options.streamPacingMs * 1000)
        let tokens = max(4, 1_000_000 / max(pacingUs, 1))
        var held = 0
        var streams = 32
        while streams <= options.maxStreams {
            let result = try run(streams, pacingUs, tokens)
            let late = !result.chunkDelay.isEmpty && result.chunkDelay.percentile(100) > UInt64(pacingUs) * 1000
            if late || result.errors.total > 0 || result.chunkDelay.isEmpty { break }
            held = streams
            streams *= 2
        }
        return held
    }
}
