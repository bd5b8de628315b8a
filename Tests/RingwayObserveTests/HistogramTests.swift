import Testing
@testable import RingwayObserve

@Suite struct HistogramTests {
    @Test func bucketEdgesAreLessOrEqual() {
        let bounds = LatencyBuckets.upperBoundsNanoseconds
        #expect(bounds.count == LatencyBuckets.count - 1)
        #expect(LatencyBuckets.upperBoundLabels.count == LatencyBuckets.count)
        #expect(bounds == bounds.sorted())
        #expect(LatencyBuckets.index(nanoseconds: 0) == 0)
        for (i, bound) in bounds.enumerated() {
            #expect(LatencyBuckets.index(nanoseconds: bound - 1) == i)
            #expect(LatencyBuckets.index(nanoseconds: bound) == i, "\(bound) ns is in le=\(LatencyBuckets.upperBoundLabels[i])")
            #expect(LatencyBuckets.index(nanoseconds: bound + 1) == i + 1)
        }
        #expect(LatencyBuckets.index(nanoseconds: UInt64.max) == LatencyBuckets.count - 1)
    }

    @Test func tableLookupAgreesWithTheDefinition() {
        let table = LatencyBucketTable.allocate()
        defer { table.deallocate() }
        var values: [UInt64] = [0, 1, 2, UInt64.max, UInt64.max - 1, 1 << 63]
        for bound in LatencyBuckets.upperBoundsNanoseconds { values += [bound - 1, bound, bound + 1] }
        for k in 0..<64 { values += [(1 as UInt64) << k, ((1 as UInt64) << k) &- 1] }
        var random = SystemRandomNumberGenerator()
        for _ in 0..<100_000 { values.append(random.next() >> UInt64.random(in: 0..<64, using: &random)) }
        for ns in values {
            #expect(table.index(ns) == LatencyBuckets.index(nanoseconds: ns), "\(ns) ns")
        }
    }

    @Test func labelsMatchBoundsInSeconds() {
        for (bound, label) in zip(LatencyBuckets.upperBoundsNanoseconds, LatencyBuckets.upperBoundLabels) {
            #expect(Double(label)! * 1e9 == Double(bound).rounded(), "\(label)")
        }
        #expect(LatencyBuckets.upperBoundLabels.last == "+Inf")
    }

    @Test func quantileInterpolatesInsideTheBucket() {
        var h = HistogramSnapshot()
        // 100 observations in (1 ms, 2.5 ms].
        h.buckets[7] = 100
        h.sumNanoseconds = 150_000_000
        #expect(h.count == 100)
        #expect(h.meanSeconds == 0.0015)
        #expect(abs(h.quantile(0.5)! - 0.00175) < 1e-12)
        #expect(abs(h.quantile(1)! - 0.0025) < 1e-12)
        #expect(abs(h.quantile(0)! - 0.001) < 1e-12)
    }

    @Test func quantileAcrossBucketsAndEdges() {
        var h = HistogramSnapshot()
        h.buckets[0] = 90  // ≤ 10 µs
        h.buckets[15] = 9  // (500 ms, 1 s]
        h.buckets[23] = 1  // > 300 s
        #expect(abs(h.quantile(0.5)! - 0.0000055556) < 1e-9)  // first bucket starts at 0
        #expect(abs(h.quantile(0.95)! - (0.5 + 0.5 * 5 / 9)) < 1e-12)
        #expect(h.quantile(1) == 300)  // +Inf: the highest finite bound
        #expect(h.quantile(1.5) == nil)
        #expect(h.quantile(-0.1) == nil)
        #expect(HistogramSnapshot().quantile(0.5) == nil)
        #expect(HistogramSnapshot().meanSeconds == nil)
    }

    @Test func mergeAddsBucketsAndSums() throws {
        let layout = try Fixtures.layout()
        let a = MetricsShard(layout: layout)
        let b = MetricsShard(layout: layout)
        for _ in 0..<99 { a.streamTiming(model: 0, ttftNs: 40 * Fixtures.ms) }
        b.streamTiming(model: 0, ttftNs: 4 * Fixtures.s)
        b.streamTiming(model: 0, ttftNs: nil)
        let h = MetricsSnapshot(layout: layout, shards: [a, b]).histogram(.timeToFirstToken, where: [.model: 0])
        #expect(h.count == 100)
        #expect(h.sumNanoseconds == 99 * 40 * Fixtures.ms + 4 * Fixtures.s)
        let p50 = h.quantile(0.5)!
        #expect(p50 > 0.025 && p50 <= 0.05)
        let p995 = h.quantile(0.995)!
        #expect(p995 > 2.5 && p995 <= 5)
    }
}
