import Foundation
import Testing
@testable import RingwayBenchCore

@Suite struct LatencyHistogramTests {
    static let percentiles: [Double] = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100]

    /// Every checked quantile of `values` is within 1 % of the exact nearest-rank quantile.
    func expectAccurate(_ values: [UInt64], sourceLocation: SourceLocation = #_sourceLocation) {
        var histogram = LatencyHistogram()
        for value in values { histogram.record(value) }
        let sorted = values.sorted()
        #expect(histogram.count == UInt64(values.count), sourceLocation: sourceLocation)
        #expect(histogram.min == sorted.first, sourceLocation: sourceLocation)
        #expect(histogram.max == sorted.last, sourceLocation: sourceLocation)
        let exactMean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        #expect(abs(histogram.mean - exactMean) <= exactMean * 1e-9, sourceLocation: sourceLocation)
        for p in Self.percentiles {
            let rank = LatencyHistogram.rank(ofPercentile: p, count: UInt64(values.count))
            let exact = p == 0 ? sorted[0] : sorted[Int(rank) - 1]
            let reported = histogram.percentile(p)
            let error = abs(Double(reported) - Double(exact)) / Double(exact)
            #expect(error <= 0.01, "p\(p): reported \(reported), exact \(exact)", sourceLocation: sourceLocation)
        }
    }

    @Test func uniformFromOneMicrosecondToOneSecond() {
        var random = SeededGenerator(seed: 42)
        expectAccurate((0..<200_000).map { _ in UInt64.random(in: 1_000...1_000_000_000, using: &random) })
    }

    @Test func exponentialWithOneMillisecondMean() {
        var random = SeededGenerator(seed: 7)
        let values = (0..<200_000).map { _ in
            UInt64(1_000 + -log(1 - random.nextUnitInterval()) * 1_000_000)
        }
        expectAccurate(values)
    }

    @Test func logUniformAcrossTheWholeRange() {
        // Equal weight per octave from 1 µs to 60 s: exercises every bucket tier.
        var random = SeededGenerator(seed: 3)
        let span = log(60e9 / 1e3)
        expectAccurate((0..<100_000).map { _ in UInt64(1e3 * exp(random.nextUnitInterval() * span)) })
    }

    @Test func constantIsReportedExactlyAtEveryQuantile() {
        var histogram = LatencyHistogram()
        for _ in 0..<1000 { histogram.record(123_457) }
        for p in Self.percentiles { #expect(histogram.percentile(p) == 123_457) }
        #expect(histogram.mean == 123_457)
    }

    @Test func extremesOfTheRange() {
        expectAccurate([1_000, 60_000_000_000])
        expectAccurate([1_000])
        expectAccurate([60_000_000_000])
        expectAccurate([1_000, 1_001, 1_002, 59_999_999_999, 60_000_000_000])
        // Below 256 ns buckets are one nanosecond wide: exact.
        var small = LatencyHistogram()
        for value in UInt64(0)..<256 { small.record(value) }
        #expect(small.percentile(50) == 127)
    }

    @Test func valuesAboveSixtySecondsClampToIt() {
        var histogram = LatencyHistogram()
        histogram.record(3_600_000_000_000)
        histogram.record(.max)
        #expect(histogram.max == LatencyHistogram.highestTrackable)
        #expect(histogram.percentile(50) == LatencyHistogram.highestTrackable)
    }

    @Test func emptyHistogramReportsZeros() {
        let histogram = LatencyHistogram()
        #expect(histogram.isEmpty)
        #expect(histogram.percentile(50) == 0)
        #expect(histogram.percentile(100) == 0)
        #expect(histogram.mean == 0)
    }

    @Test func bucketIndexIsContiguousAndMonotonic() {
        // Every bucket's bounds map back to it, and buckets tile the range with no gap.
        var expectedLower: UInt64 = 0
        for index in 0..<LatencyHistogram.bucketCount {
            let (lower, width) = LatencyHistogram.bucketBounds(index)
            #expect(lower == expectedLower)
            #expect(LatencyHistogram.index(of: lower) == index)
            #expect(LatencyHistogram.index(of: lower + width - 1) == index)
            if lower >= 256 { #expect(Double(width) / Double(lower) <= 1.0 / 128) }
            expectedLower = lower + width
        }
        #expect(expectedLower > LatencyHistogram.highestTrackable)
    }

    @Test func mergeEqualsRecordingEverythingInOne() {
        var random = SeededGenerator(seed: 11)
        var left = LatencyHistogram()
        var right = LatencyHistogram()
        var all = LatencyHistogram()
        for step in 0..<50_000 {
            let value = UInt64.random(in: 1_000...5_000_000, using: &random)
            if step % 3 == 0 { left.record(value) } else { right.record(value) }
            all.record(value)
        }
        var merged = left
        merged.merge(right)
        #expect(merged.count == all.count)
        #expect(merged.min == all.min)
        #expect(merged.max == all.max)
        #expect(abs(merged.mean - all.mean) < 1e-6)
        for p in Self.percentiles { #expect(merged.percentile(p) == all.percentile(p)) }
        merged.merge(LatencyHistogram())
        #expect(merged.count == all.count)
    }

    @Test func nearestRankIsRobustToBinaryRounding() {
        #expect(LatencyHistogram.rank(ofPercentile: 99.9, count: 1000) == 999)
        #expect(LatencyHistogram.rank(ofPercentile: 50, count: 1) == 1)
        #expect(LatencyHistogram.rank(ofPercentile: 50, count: 3) == 2)
        #expect(LatencyHistogram.rank(ofPercentile: 99.99, count: 100) == 100)
    }
}
