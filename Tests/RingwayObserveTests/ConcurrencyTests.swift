import Foundation
import Synchronization
import Testing
@testable import RingwayObserve

/// Workers write their shards while a scraper merges them: every counter a
/// scrape sees is at least what the previous scrape saw, and nothing tears
/// or crashes (run under `-sanitize=thread` to check the atomics too).
@Suite struct ConcurrencyTests {
    final class Flags: Sendable {
        let finishedWriters = Atomic<Int>(0)
    }

    @Test func scraperReadsWhileWorkersWrite() throws {
        let layout = try Fixtures.layout()
        let writers = 4
        let perWriter = 200_000
        let shards = (0..<writers).map { _ in MetricsShard(layout: layout) }
        let flags = Flags()
        var threads: [Thread] = []
        for w in 0..<writers {
            let shard = shards[w]
            let thread = Thread {
                for i in 0..<perWriter {
                    shard.activeConnectionsDelta(+1)
                    shard.requestFinished(
                        model: i & 1, pool: 0, endpoint: i % 3, statusCode: 200, totalNs: UInt64(i & 0xFFFF) * 1000,
                        overheadNs: 15_000, upstreamTTFBNs: 1_000_000, key: 0, bytesIn: 3, bytesOut: 5)
                    shard.observeInterToken(model: 0, ns: UInt64(i))
                    shard.activeConnectionsDelta(-1)
                }
                flags.finishedWriters.add(1, ordering: .releasing)
            }
            threads.append(thread)
        }
        threads.forEach { $0.start() }

        var previousRequests: UInt64 = 0
        var previousDurationCount: UInt64 = 0
        var previousBytes: UInt64 = 0
        var scrapes = 0
        var done = false
        while !done {
            done = flags.finishedWriters.load(ordering: .acquiring) == writers
            let snapshot = MetricsSnapshot(layout: layout, shards: shards)
            let requests = snapshot.total(.requests)
            let durationCount = snapshot.histogram(.requestDuration).count
            let bytes = snapshot.total(.responseBytes)
            #expect(requests >= previousRequests)
            #expect(durationCount >= previousDurationCount)
            #expect(bytes >= previousBytes)
            let active = Int64(bitPattern: snapshot.total(.activeConnections))
            #expect(active >= 0 && active <= Int64(writers))
            _ = PrometheusExposition.renderBytes(snapshot, gauges: ScrapeGauges())
            (previousRequests, previousDurationCount, previousBytes) = (requests, durationCount, bytes)
            scrapes += 1
        }
        let final = MetricsSnapshot(layout: layout, shards: shards)
        let total = UInt64(writers * perWriter)
        #expect(final.total(.requests) == total)
        #expect(final.histogram(.requestDuration).count == total)
        #expect(final.histogram(.interTokenLatency).count == total)
        #expect(final.total(.responseBytes) == 5 * total)
        #expect(final.total(.activeConnections) == 0)
        #expect(scrapes >= 1)
    }
}
