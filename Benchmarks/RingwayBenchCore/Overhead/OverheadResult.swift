/// What one system measured in one round of `ringway-bench overhead`.
public struct OverheadMeasurement: Sendable {
    /// Open loop at `--rate`, non-streaming: intended send time → complete response.
    public var latency = LatencyHistogram()
    /// One connection, closed loop: each request sent when the previous one
    /// answered, so nothing queues behind anything (the "added latency at
    /// concurrency 1" figure).
    public var serialLatency = LatencyHistogram()
    /// Streaming phase: intended send time → first body byte.
    public var timeToFirstToken = LatencyHistogram()
    /// Streaming phase: per SSE event, receive time − the mock's `mock_sent_ns`.
    public var chunkDelay = LatencyHistogram()
    /// Closed loop, 32 connections: completed responses per second.
    public var throughput: Double = 0
    /// The proxy's CPU time per request during the closed loop (nil for `direct`
    /// or when no process could be found).
    public var cpuMicrosecondsPerRequest: Double?
    /// VmHWM of the proxy's process(es), KiB, read at the end of the round.
    public var peakRSSKiB: UInt64?
    /// Failed requests over all three phases.
    public var errors = 0
    /// Highest open-loop rate whose p99 stayed under the bound (ramp phase).
    public var rateUnderP99Bound: Double?
    /// Most concurrent paced streams relayed without a stall (ramp phase).
    public var streamsWithoutStall: Int?

    public init() {}
}

/// Every round of every system, in the order measured, plus the run's facts.
public struct OverheadResult: Sendable {
    /// The reference system every "added" figure is relative to.
    public static let baseline = "direct"

    /// Measurement order: `direct` first, then Ringway and any `--proxy`/`--proxy-addr`.
    public var systems: [String]
    /// `rounds[r][system]`.
    public var rounds: [[String: OverheadMeasurement]]
    /// Machine and run facts, in display order (kernel, CPU, cores, versions, date, command line, seed…).
    public var facts: [(key: String, value: String)]
    /// Settings worth repeating next to the figures (rate, duration…), in display order.
    public var settings: [(key: String, value: String)]

    public init(
        systems: [String], rounds: [[String: OverheadMeasurement]], facts: [(key: String, value: String)] = [],
        settings: [(key: String, value: String)] = []
    ) {
        self.systems = systems
        self.rounds = rounds
        self.facts = facts
        self.settings = settings
    }
}

/// The figures a report shows, reduced over rounds. Latencies in µs.
public struct OverheadSummary: Sendable {
    /// Percentiles of the open-loop latency that "added latency" is reported for.
    public static let latencyPercentiles: [(key: String, percentile: Double)] = [
        ("p50", 50), ("p90", 90), ("p99", 99), ("p99.9", 99.9),
    ]
    public static let streamPercentiles: [(key: String, percentile: Double)] = [("p50", 50), ("p99", 99)]
    /// Percentiles sampled from the merged histogram for the CDF plot.
    public static let cdfPercentiles: [Double] = [
        0, 1, 2, 5, 10, 15, 20, 25, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 97.5, 98, 99, 99.5, 99.9, 99.95,
        99.99, 100,
    ]

    public struct System: Sendable {
        public var name: String
        /// Median over rounds of each round's percentile (key → µs).
        public var latency: [String: Double] = [:]
        /// Median over rounds of (this − direct) in the same round; empty for `direct`.
        public var addedLatency: [String: Double] = [:]
        public var serialLatency: [String: Double] = [:]
        public var addedSerialLatency: [String: Double] = [:]
        public var timeToFirstToken: [String: Double] = [:]
        public var addedTimeToFirstToken: [String: Double] = [:]
        public var chunkDelay: [String: Double] = [:]
        public var addedChunkDelay: [String: Double] = [:]
        /// Median closed-loop req/s.
        public var throughput: Double = 0
        public var cpuMicrosecondsPerRequest: Double?
        /// Largest VmHWM over rounds, KiB.
        public var peakRSSKiB: UInt64?
        public var errors = 0
        public var rateUnderP99Bound: Double?
        public var streamsWithoutStall: Int?
        /// (percentile, µs) of the latency histogram merged over rounds, ascending.
        public var cdf: [(percentile: Double, micros: Double)] = []
    }

    public var systems: [System]

    public init(_ result: OverheadResult) {
        systems = result.systems.map { Self.summarize($0, result) }
    }

    public func system(_ name: String) -> System? { systems.first { $0.name == name } }

    static func micros(_ histogram: LatencyHistogram, _ percentile: Double) -> Double? {
        histogram.isEmpty ? nil : Double(histogram.percentile(percentile)) / 1000
    }

    static func summarize(_ name: String, _ result: OverheadResult) -> System {
        var system = System(name: name)
        let own = result.rounds.compactMap { $0[name] }
        let isBaseline = name == OverheadResult.baseline
        // (this round, direct in the same round) pairs for "added" figures.
        let paired = result.rounds.compactMap { round -> (OverheadMeasurement, OverheadMeasurement)? in
            guard let mine = round[name], let base = round[OverheadResult.baseline] else { return nil }
            return (mine, base)
        }
        func reduce(
            _ histogram: (OverheadMeasurement) -> LatencyHistogram, _ percentiles: [(key: String, percentile: Double)]
        ) -> (absolute: [String: Double], added: [String: Double]) {
            var absolute: [String: Double] = [:]
            var added: [String: Double] = [:]
            for (key, p) in percentiles {
                absolute[key] = median(own.compactMap { micros(histogram($0), p) })
                if !isBaseline {
                    added[key] = median(paired.compactMap { mine, base in
                        guard let a = micros(histogram(mine), p), let b = micros(histogram(base), p) else { return nil }
                        return a - b
                    })
                }
            }
            return (absolute.compactMapValues { $0 }, added.compactMapValues { $0 })
        }
        (system.latency, system.addedLatency) = reduce({ $0.latency }, latencyPercentiles)
        (system.serialLatency, system.addedSerialLatency) = reduce({ $0.serialLatency }, streamPercentiles)
        (system.timeToFirstToken, system.addedTimeToFirstToken) = reduce({ $0.timeToFirstToken }, streamPercentiles)
        (system.chunkDelay, system.addedChunkDelay) = reduce({ $0.chunkDelay }, streamPercentiles)
        system.throughput = median(own.map(\.throughput)) ?? 0
        system.cpuMicrosecondsPerRequest = median(own.compactMap(\.cpuMicrosecondsPerRequest))
        system.peakRSSKiB = own.compactMap(\.peakRSSKiB).max()
        system.errors = own.reduce(0) { $0 + $1.errors }
        system.rateUnderP99Bound = median(own.compactMap(\.rateUnderP99Bound))
        system.streamsWithoutStall = median(own.compactMap { $0.streamsWithoutStall.map(Double.init) }).map { Int($0) }
        var merged = LatencyHistogram()
        for measurement in own { merged.merge(measurement.latency) }
        if !merged.isEmpty {
            system.cdf = cdfPercentiles.map { ($0, Double(merged.percentile($0)) / 1000) }
        }
        return system
    }
}

/// The median of `values` (mean of the middle two for an even count), nil when empty.
public func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
