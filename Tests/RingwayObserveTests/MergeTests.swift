import Testing
@testable import RingwayObserve

@Suite struct MergeTests {
    typealias F = Fixtures

    @Test func shardsAddUp() throws {
        let layout = try F.layout()
        let shards = (0..<3).map { _ in MetricsShard(layout: layout) }
        for (w, shard) in shards.enumerated() {
            for i in 0..<(w + 1) * 10 {
                shard.requestFinished(
                    model: 0, pool: 0, endpoint: i % 2, statusCode: i % 5 == 0 ? 502 : 200,
                    totalNs: UInt64(i + 1) * F.ms, overheadNs: 20 * F.µs, upstreamTTFBNs: 3 * F.ms, key: 0,
                    bytesIn: 1000, bytesOut: 10)
            }
            shard.tokens(model: 1, key: -1, prompt: 100, completion: 10, costMicroUSD: 250_000)
            shard.activeConnectionsDelta(w == 1 ? -1 : +2)  // two's complement sums across workers
            shard.queueDepth(pool: 1, value: w)
        }
        let snapshot = MetricsSnapshot(layout: layout, shards: shards)
        #expect(snapshot.shardCount == 3)
        #expect(snapshot.total(.requests) == 60)
        #expect(snapshot.total(.requests, where: [.code: StatusCodeLabel.index(of: 502)]) == 2 + 4 + 6)
        #expect(snapshot.value(.requests, [0, layout.routeIndex(pool: 0, endpoint: 1), 0]) == 24)
        #expect(snapshot.total(.requestBytes) == 60_000)
        #expect(snapshot.value(.promptTokens, [1, layout.anonymousKey]) == 300)
        #expect(snapshot.total(.cost) == 750_000)
        #expect(Int64(bitPattern: snapshot.total(.activeConnections)) == 3)
        #expect(snapshot.value(.queueDepth, [1]) == 0 + 1 + 2)

        let duration = snapshot.histogram(.requestDuration, where: [.model: 0])
        #expect(duration.count == 60)
        #expect(duration.sumNanoseconds == (55 + 210 + 465) * F.ms)
        #expect(snapshot.histogram(.upstreamTTFB).count == 60)
        #expect(snapshot.histogram(.upstreamTTFB, where: [.endpoint: 0]).count == 30)

        let lines = F.lines(PrometheusExposition.render(layout: layout, shards: shards, gauges: ScrapeGauges()))
        #expect(lines.contains(#"ringway_requests_total{model="llama",pool="gpu",endpoint="gpu-0",code="502"} 6"#))
        #expect(lines.contains(#"ringway_cost_usd_total{model="qwen",key="anonymous"} 0.75"#))
        #expect(lines.contains("ringway_active_connections 3"))
        #expect(lines.contains(#"ringway_proxy_overhead_seconds_count{pool="gpu"} 60"#))
    }

    @Test func shardsOfAnotherLayoutAreLeftOut() throws {
        let old = try F.layout()
        let new = try F.layout()
        let stale = MetricsShard(layout: old)
        stale.retry(pool: 0)
        let current = MetricsShard(layout: new)
        current.retry(pool: 0)
        current.retry(pool: 0)
        let snapshot = MetricsSnapshot(layout: new, shards: [stale, current])
        #expect(snapshot.shardCount == 1)
        #expect(snapshot.total(.retries) == 2)
    }
}
