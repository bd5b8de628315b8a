import RingwayObserve
import RingwayRouter
import Synchronization

/// The metric shards of the table in force: one per worker, all on one
/// layout built from the table's names (so label values are bounded by the
/// config). A reload starts a new layout; workers move to it with their next
/// table and the old shards are dropped (Prometheus reads that as a counter
/// reset, which `rate()` handles).
public final class MetricsBoard: Sendable {
    private struct Current {
        var version = 0
        var layout: MetricsLayout?
        var shards: [Int: MetricsShard] = [:]
    }

    private let current = Mutex(Current())

    public init() {}

    /// The worker's shard for `table`, creating the layout on first use.
    func shard(for table: RoutingTable, worker: Int) -> MetricsShard? {
        current.withLock { state in
            if state.version != table.version || state.layout == nil {
                guard table.version >= state.version, let layout = Self.layout(table) else { return nil }
                state = Current(version: table.version, layout: layout, shards: [:])
            }
            let shard = MetricsShard(layout: state.layout!)
            state.shards[worker] = shard
            return shard
        }
    }

    /// The Prometheus text exposition of every worker's shard.
    public func exposition(_ gauges: ScrapeGauges) -> [UInt8] {
        let (layout, shards) = current.withLock { ($0.layout, Array($0.shards.values)) }
        guard let layout else { return [] }
        return PrometheusExposition.renderBytes(MetricsSnapshot(layout: layout, shards: shards), gauges: gauges)
    }

    static func layout(_ table: RoutingTable) -> MetricsLayout? {
        var endpoints: [MetricsLayout.Endpoint] = []
        for (p, pool) in table.pools.enumerated() {
            var seen = Set<String>()
            for (i, e) in table.endpoints[pool.endpointRange].enumerated() {
                // The same URL twice in one pool still gets two series.
                let name = seen.insert(e.url).inserted ? e.url : "\(e.url)#\(i)"
                endpoints.append(MetricsLayout.Endpoint(name: name, pool: p))
            }
        }
        return try? MetricsLayout(
            models: table.models.map(\.name), pools: table.pools.map(\.name), endpoints: endpoints,
            keys: table.keys.map(\.name), priorities: table.config.priority.classes)
    }
}
