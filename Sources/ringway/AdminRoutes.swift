import Foundation
import RingwayRouter

/// What the admin listener answers.
enum AdminRoutes {
    static func handle(_ request: AdminServer.Request, _ reloader: ConfigReloader) -> AdminServer.Response {
        switch (request.method, request.path) {
        case ("GET", "/healthz"): return AdminServer.Response(status: 200, contentType: "text/plain", body: "ok\n")
        case ("GET", "/readyz"):
            let table = reloader.source.table
            let unready = table.pools.filter { pool in !table.endpoints[pool.endpointRange].contains { $0.shared.isHealthy } }
            if unready.isEmpty { return AdminServer.Response(status: 200, contentType: "text/plain", body: "ready\n") }
            return AdminServer.Response(status: 503, contentType: "text/plain",
                                        body: "not ready: no healthy endpoint in " + unready.map(\.name).joined(separator: ", ") + "\n")
        case ("GET", "/admin/state"): return AdminServer.Response(status: 200, body: state(reloader.source.table))
        case ("POST", "/admin/reload"):
            let result = reloader.reload()
            Server.logReload(result)
            switch result {
            case .success(let t):
                return AdminServer.Response(status: 200, body: "{\"status\":\"reloaded\",\"version\":\(t.version)}")
            case .failure(let f):
                return AdminServer.Response(status: 400, body: AdminServer.error(
                    "config reload refused; the running config stays: " + f.summary, "config_invalid"))
            }
        case (_, "/healthz"), (_, "/readyz"), (_, "/admin/state"), (_, "/admin/reload"):
            return AdminServer.Response(status: 405, body: AdminServer.error("method not allowed", "method_not_allowed"))
        default:
            return AdminServer.Response(status: 404, body: AdminServer.error("no admin route \(request.path)", "not_found"))
        }
    }

    /// The shared view of the table: what every worker sees alike.
    static func state(_ t: RoutingTable) -> String {
        let q = AdminServer.jsonString
        var pools: [String] = []
        for pool in t.pools {
            var endpoints: [String] = []
            for e in t.endpoints[pool.endpointRange] {
                let s = e.shared
                endpoints.append("{\"url\":\(q(e.url)),\"weight\":\(e.weight),\"healthy\":\(s.isHealthy),\"waiting\":\(s.waiting),\"running\":\(s.running),\"kv_cache_usage\":\(s.kvCacheUsage)}")
            }
            pools.append("{\"name\":\(q(pool.name)),\"strategy\":\(q(strategyName(pool.strategy))),\"endpoints\":[\(endpoints.joined(separator: ","))]}")
        }
        let models = t.models.map { "{\"name\":\(q($0.name)),\"pool\":\(q(t.pools[$0.pool].name))}" }
        return "{\"config_version\":\(t.version),\"loaded_at\":\(t.loadedAt),\"pools\":[\(pools.joined(separator: ","))],\"models\":[\(models.joined(separator: ","))]}"
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
