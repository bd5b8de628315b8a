import CRingwayAtomics

/// One worker's metric cells: a flat block of `UInt64`, preallocated for a
/// layout, written by that worker alone and read by the scraper.
///
/// ```
///  worker thread ── relaxed load + store ──▶ [cell][cell][cell]… ◀── relaxed load ── scraper thread
/// ```
///
/// One writer means an increment needs no read-modify-write instruction: a
/// relaxed load, an add and a relaxed store compile to the same `mov`/`add`
/// as a plain `+=`, with no `lock` prefix and no cache line bouncing between
/// cores. The atomics only make the scraper's concurrent read defined and
/// untorn. Each cell is coherent on its own, so a counter never appears to
/// go backwards; cells are not read as one snapshot, so a histogram's sum
/// may trail its count by the observation in flight, which Prometheus
/// tolerates.
///
/// Recording never allocates, locks or traps: an index outside the layout
/// (a stale index after a reload, -1 for "none") lands in the reserved slot.
public final class MetricsShard: @unchecked Sendable {
    // @unchecked: `cells` is shared mutable memory, made safe by the
    // single-writer rule above and relaxed atomics on every access.
    public let layout: MetricsLayout
    @usableFromInline let cells: UnsafeMutablePointer<UInt64>
    @usableFromInline let offsets: CellOffsets
    @usableFromInline let buckets: LatencyBucketTable

    /// Cells start on their own 128-byte boundary (two x86 cache lines,
    /// which the adjacent-line prefetcher pairs; one Apple/Neoverse line), so
    /// two workers' shards never share a line.
    public init(layout: MetricsLayout) {
        self.layout = layout
        offsets = layout.offsets
        buckets = LatencyBucketTable.allocate()
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(layout.cellCount, 1) * MemoryLayout<UInt64>.stride + 128, alignment: 128)
        cells = raw.initializeMemory(as: UInt64.self, repeating: 0, count: max(layout.cellCount, 1) + 16)
    }

    deinit {
        cells.deallocate()
        buckets.deallocate()
    }

    /// Reads one cell; safe from any thread.
    @inlinable
    public func load(_ cell: Int) -> UInt64 {
        rw_atomic_load_relaxed(cells + cell)
    }

    /// Adds every cell of this shard into `totals` (wrapping, so the two's
    /// complement gauges sum correctly); safe from any thread.
    public func accumulate(into totals: inout [UInt64]) {
        precondition(totals.count == layout.cellCount, "metrics: shard and totals belong to different layouts")
        totals.withUnsafeMutableBufferPointer { out in
            for i in 0..<out.count {
                out[i] &+= rw_atomic_load_relaxed(cells + i)
            }
        }
    }
}
