import Foundation
import RingwayObserve
import RingwayProxy
import RingwayRouter

/// What the admin listener answers.
enum AdminRoutes {
    static func handle(_ request: AdminServer.Request, _ source: RoutingTableSource, _ reloader: ConfigReloader?,
                       _ board: WorkerStateBoard,
                       _ metrics: MetricsBoard) -> AdminServer.Response
    {
        switch (request.method, request.path) {
        case ("GET", "/metrics"):
            let t = source.table
            let workers = board.snapshot.filter { $0.tableVersion == t.version }
            let gauges = ScrapeGauges(
                endpointHealthy: t.endpoints.map(\.shared.isHealthy),
                breakerOpen: t.endpoints.indices.map { i in
                    workers.contains { i < $0.endpoints.count && $0.endpoints[i].breaker == .open }
                },
                configVersion: UInt64(t.version), configLoadedAtUnixNanoseconds: UInt64(t.loadedAt * 1e9))
            return AdminServer.Response(status: 200, contentType: PrometheusExposition.contentType,
                                        body: String(decoding: metrics.exposition(gauges), as: UTF8.self))
        case ("GET", "/healthz"): return AdminServer.Response(status: 200, contentType: "text/plain", body: "ok\n")
        case ("GET", "/readyz"):
            let table = source.table
            let unready = table.pools.filter { pool in !table.endpoints[pool.endpointRange].contains { $0.shared.isHealthy } }
            if unready.isEmpty { return AdminServer.Response(status: 200, contentType: "text/plain", body: "ready\n") }
            return AdminServer.Response(status: 503, contentType: "text/plain",
                                        body: "not ready: no healthy endpoint in " + unready.map(\.name).joined(separator: ", ") + "\n")
        case ("GET", "/admin/state"): return AdminServer.Response(status: 200, body: state(source.table, board))
        case ("POST", "/admin/reload"):
            guard let reloader else {
                return AdminServer.Response(status: 400, body: AdminServer.error(
                    "sidecar mode has no config file to reload", "no_config"))
            }
            let result = reloader.reload()
            Server.logReload(result)
            switch result {
            case .success(let t):
                return AdminServer.Response(status: 200, body: "{\"status\":\"reloaded\",\"version\":\(t.version)}")
            case .failure(let f):
                return AdminServer.Response(status: 400, body: AdminServer.error(
                    "config reload refused; the running config stays: " + f.summary, "config_invalid"))
            }
        case (_, "/metrics"), (_, "/healthz"), (_, "/readyz"), (_, "/admin/state"), (_, "/admin/reload"):
            return AdminServer.Response(status: 405, body: AdminServer.error("method not allowed", "method_not_allowed"))
        default:
            return AdminServer.Response(status: 404, body: AdminServer.error("no admin route \(request.path)", "not_found"))
        }
    }

    /// The table, the prober's verdicts and every worker's last published
    /// figures merged: outstanding and totals summed, the slowest EWMA, the
    /// worst breaker state.
    static func state(_ t: RoutingTable, _ board: WorkerStateBoard) -> String {
        let q = AdminServer.jsonString
        let workers = board.snapshot.filter { $0.tableVersion == t.version }
        func sum(_ f: (WorkerState) -> Int) -> Int { workers.reduce(0) { $0 + f($1) } }
        var pools: [String] = []
        for (p, pool) in t.pools.enumerated() {
            var endpoints: [String] = []
            for i in pool.endpointRange {
                let e = t.endpoints[i]
                let s = e.shared
                let views = workers.compactMap { i < $0.endpoints.count ? $0.endpoints[i] : nil }
                let outstanding = views.reduce(0) { $0 + $1.outstanding }
                let requests = views.reduce(UInt64(0)) { $0 + $1.requests }
                let failures = views.reduce(UInt64(0)) { $0 + $1.failures }
                let ewmaMs = Double(views.map(\.ewmaLatencyNs).max() ?? 0) / 1e6
                let breaker = views.contains { $0.breaker == .open } ? "open"
                    : views.contains { $0.breaker == .halfOpen } ? "half_open" : "closed"
                endpoints.append("{\"url\":\(q(e.url)),\"weight\":\(e.weight),\"healthy\":\(s.isHealthy),\"breaker\":\"\(breaker)\",\"outstanding\":\(outstanding),\"ewma_latency_ms\":\(ewmaMs),\"requests\":\(requests),\"failures\":\(failures),\"waiting\":\(s.waiting),\"running\":\(s.running),\"kv_cache_usage\":\(s.kvCacheUsage)}")
            }
            let queued = sum { p < $0.queueDepth.count ? $0.queueDepth[p] : 0 }
            let inFlight = pool.concurrency.map { "\($0.inFlight)" } ?? "null"
            let limit = pool.maxConcurrency.map { "\($0)" } ?? "null"
            pools.append("{\"name\":\(q(pool.name)),\"strategy\":\(q(strategyName(pool.strategy))),\"max_concurrency\":\(limit),\"in_flight\":\(inFlight),\"queued\":\(queued),\"endpoints\":[\(endpoints.joined(separator: ","))]}")
        }
        let models = t.models.map { "{\"name\":\(q($0.name)),\"pool\":\(q(t.pools[$0.pool].name))}" }
        var shadows: [String] = []
        for (i, shadow) in t.shadows.enumerated() {
            let views = workers.compactMap { i < $0.shadows.count ? $0.shadows[i] : nil }
            let completed = views.reduce(0) { $0 + $1.completed }
            let latency = views.reduce(UInt64(0)) { $0 + $1.latencyTotalNs }
            let mean = completed > 0 ? Double(latency) / Double(completed) / 1e6 : 0
            shadows.append("{\"pool\":\(q(t.pools[shadow.pool].name)),\"fraction\":\(shadow.fraction),\"requests\":\(views.reduce(0) { $0 + $1.requests }),\"completed\":\(completed),\"failed\":\(views.reduce(0) { $0 + $1.failed }),\"mean_latency_ms\":\(mean)}")
        }
        return "{\"config_version\":\(t.version),\"loaded_at\":\(t.loadedAt),\"workers\":\(workers.count),\"open_client_connections\":\(sum { $0.openClients }),\"open_upstream_connections\":\(sum { $0.openUpstreams }),\"pools\":[\(pools.joined(separator: ","))],\"models\":[\(models.joined(separator: ","))],\"shadows\":[\(shadows.joined(separator: ","))]}"
    }

    static func strategyName(_ s: BalancingStrategy) -> String {
        switch s {
        case .roundRobin: return "round_robin"
        case .leastOutstanding: return "least_outstanding"
        case .p2cEWMA: return "p2c_ewma"
        case .prefixAffinity: return "prefix_affinity"
        case .loadAware: return "load_aware"
        }
    }
}
