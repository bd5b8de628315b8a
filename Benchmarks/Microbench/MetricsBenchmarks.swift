import RingwayObserve

/// The metric shard as a worker uses it, on the layout of a mid-sized
/// deployment: 8 models, 4 pools of 4 endpoints (16), 4 API keys.
enum MetricsFixture {
    static func layout() -> MetricsLayout {
        let pools = (0..<4).map { "pool-\($0)" }
        let endpoints = (0..<16).map { MetricsLayout.Endpoint(name: "10.0.\($0 / 4).\($0 % 4 + 10):8000", pool: $0 / 4) }
        do {
            return try MetricsLayout(
                models: (0..<8).map { "org/model-\($0)-8B-Instruct" }, pools: pools, endpoints: endpoints,
                keys: (0..<4).map { "team-\($0)" }, priorities: ["interactive", "batch"])
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// Latencies from 3 µs to about 200 s on a log scale, so successive
    /// observations land in different buckets as real traffic does.
    static let latencies: [UInt64] = (0..<1024).map { UInt64(3_000 * pow2($0 % 64) ) }

    private static func pow2(_ step: Int) -> Double {
        var value = 1.0
        for _ in 0..<step { value *= 1.19 }
        return value
    }
}

/// `requestFinished` as the worker calls it once per request: 2 counters,
/// 3 histogram observations, 2 byte counters, indices and status varied.
final class MetricsRecordBenchmark {
    let shard = MetricsShard(layout: MetricsFixture.layout())
    let latencies = MetricsFixture.latencies
    static let codes = [200, 200, 200, 200, 200, 200, 429, 503]

    func requestFinished(_ iterations: Int) -> Int {
        let shard = opaque(self.shard)
        for i in 0..<iterations {
            let endpoint = i & 15
            let ns = latencies[i & 1023]
            shard.requestFinished(
                model: i & 7, pool: endpoint >> 2, endpoint: endpoint, statusCode: Self.codes[i & 7], totalNs: ns,
                overheadNs: ns >> 10, upstreamTTFBNs: ns >> 1, key: i & 3, bytesIn: 2048, bytesOut: 4096)
        }
        return Int(truncatingIfNeeded: shard.load(0))
    }

    /// One histogram observation: what each streamed token costs.
    func interToken(_ iterations: Int) -> Int {
        let shard = opaque(self.shard)
        for i in 0..<iterations {
            shard.observeInterToken(model: i & 7, ns: latencies[i & 1023])
        }
        return Int(truncatingIfNeeded: shard.load(0))
    }
}

/// One scrape: merge 4 workers' shards and render every touched series.
final class MetricsRenderBenchmark {
    static let workers = 4
    let layout = MetricsFixture.layout()
    let shards: [MetricsShard]
    let gauges: ScrapeGauges
    private(set) var renderedBytes = 0

    init() {
        let layout = self.layout
        shards = (0..<Self.workers).map { _ in MetricsShard(layout: layout) }
        // Every model through every endpoint with every key, a few codes:
        // the worst case of a busy, varied deployment.
        for (w, shard) in shards.enumerated() {
            for model in 0..<8 {
                for endpoint in 0..<16 {
                    for key in 0..<4 {
                        for code in [200, 429, 502] {
                            let ns = MetricsFixture.latencies[(model * 16 + endpoint + key + w) & 1023]
                            shard.requestFinished(
                                model: model, pool: endpoint / 4, endpoint: endpoint, statusCode: code, totalNs: ns,
                                overheadNs: 20_000, upstreamTTFBNs: ns / 2, key: key, bytesIn: 1000, bytesOut: 5000)
                        }
                        shard.tokens(model: model, key: key, prompt: 900, completion: 120, costMicroUSD: 310)
                    }
                }
                shard.streamTiming(model: model, ttftNs: 180_000_000)
                shard.observeInterToken(model: model, ns: 21_000_000)
                shard.fallback(model: model)
            }
            shard.activeConnectionsDelta(40)
        }
        gauges = ScrapeGauges(endpointHealthy: Array(repeating: true, count: 16), breakerOpen: Array(repeating: false, count: 16),
                              configVersion: 1, configLoadedAtUnixNanoseconds: 1_760_000_000_000_000_000)
        renderedBytes = PrometheusExposition.renderBytes(MetricsSnapshot(layout: layout, shards: shards), gauges: gauges).count
    }

    var benchmark: Benchmark {
        Benchmark(name: "metrics-render",
                  unit: "merge \(Self.workers) shards + render \(renderedBytes) B; 8 models, 16 endpoints, 4 keys",
                  bytesPerOperation: renderedBytes, run: run)
    }

    func run(_ iterations: Int) -> Int {
        var checksum = 0
        for _ in 0..<iterations {
            let snapshot = MetricsSnapshot(layout: layout, shards: opaque(shards))
            checksum &+= PrometheusExposition.renderBytes(snapshot, gauges: gauges).count
        }
        return checksum
    }
}
