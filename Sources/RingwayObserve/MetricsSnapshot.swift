/// The workers' shards of one layout added up at one scrape: what the
/// exposition renders and what `ringway top` reads.
public struct MetricsSnapshot: Sendable {
    public let layout: MetricsLayout
    /// Summed cells, indexed like a shard's.
    public private(set) var cells: [UInt64]
    /// Shards merged; shards of another layout (a worker that has not yet
    /// switched after a reload) are left out.
    public private(set) var shardCount: Int

    public init(layout: MetricsLayout, shards: [MetricsShard]) {
        self.layout = layout
        cells = Array(repeating: 0, count: layout.cellCount)
        shardCount = 0
        for shard in shards where shard.layout === layout {
            shard.accumulate(into: &cells)
            shardCount += 1
        }
    }

    /// The series index of a label combination: one index per dimension of
    /// `family`, outermost first (`family.dimensions`).
    public func series(_ family: MetricFamily, _ indices: [Int]) -> Int {
        let dimensions = family.dimensions
        precondition(indices.count == dimensions.count, "\(family.name) has \(dimensions.count) dimensions")
        var series = 0
        for (dimension, index) in zip(dimensions, indices) {
            let size = layout.size(of: dimension)
            precondition(index >= 0 && index < size, "\(family.name): index \(index) outside \(dimension)")
            series = series * size + index
        }
        return series
    }

    /// A counter's value, or a gauge's (two's complement: use `Int64(bitPattern:)`).
    public func value(_ family: MetricFamily, _ indices: [Int]) -> UInt64 {
        precondition(family.kind != .histogram, "\(family.name) is a histogram")
        return cells[layout.base(family) + series(family, indices)]
    }

    /// The sum of a counter or gauge over the series whose labels match
    /// `constraints` (dimension → index); all series when empty.
    public func total(_ family: MetricFamily, where constraints: [MetricDimension: Int] = [:]) -> UInt64 {
        precondition(family.kind != .histogram, "\(family.name) is a histogram")
        var sum: UInt64 = 0
        forEachSeries(family, where: constraints) { sum &+= cells[layout.base(family) + $0] }
        return sum
    }

    /// One histogram series, or the merge of those matching `constraints`.
    public func histogram(_ family: MetricFamily, where constraints: [MetricDimension: Int] = [:]) -> HistogramSnapshot {
        precondition(family.kind == .histogram, "\(family.name) is not a histogram")
        var merged = HistogramSnapshot()
        forEachSeries(family, where: constraints) { merged.merge(histogram(family, series: $0)) }
        return merged
    }

    func histogram(_ family: MetricFamily, series: Int) -> HistogramSnapshot {
        let first = layout.base(family) + series * LatencyBuckets.cellsPerSeries
        return HistogramSnapshot(
            buckets: Array(cells[first..<first + LatencyBuckets.count]),
            sumNanoseconds: cells[first + LatencyBuckets.count])
    }

    private func forEachSeries(_ family: MetricFamily, where constraints: [MetricDimension: Int], _ body: (Int) -> Void) {
        let dimensions = family.dimensions
        let sizes = dimensions.map { layout.size(of: $0) }
        for series in 0..<layout.seriesCount(family) {
            var rest = series
            var matches = true
            for d in stride(from: dimensions.count - 1, through: 0, by: -1) {
                let index = rest % sizes[d]
                rest /= sizes[d]
                if let wanted = constraints[dimensions[d]], wanted != index { matches = false }
            }
            if matches { body(series) }
        }
    }
}
