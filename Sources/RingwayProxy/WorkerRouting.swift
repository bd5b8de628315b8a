import CRingwayEngine
import RingwayIO
import RingwayObserve
import RingwayRouter

/// One worker's view of one routing table: the endpoints' socket addresses,
/// its keep-alive connections per endpoint and the balancing state per pool.
/// A reload gives the worker a new one; exchanges that started on the old
/// one keep it alive (they hold a reference) and finish on it.
final class WorkerRouting {
    let table: RoutingTable
    /// One `rw_address` per endpoint, stable for the object's life: connects
    /// in flight point at them.
    let addresses: UnsafeMutablePointer<rw_address>
    /// Idle keep-alive upstream connections (slots) per endpoint.
    var idle: [[Int32]]
    /// Open upstream connections per pool, against `max_connections`.
    var openPerPool: [Int]
    let balancers: [PoolBalancer]
    /// Requests of this worker waiting for a slot in a saturated pool.
    var queues: [AdmissionQueue]
    /// Sum of the queues' counts: the loop skips admission when zero.
    var waiting = 0
    /// This worker's metric shard for this table (nil without a board).
    let metrics: MetricsShard?
    var shadowSamplers: [ShadowSampler]
    var shadowStats: [ShadowStats]
    /// Per endpoint: how to reach it over TLS; nil for plaintext endpoints,
    /// so the plaintext path tests one optional at connect time and nothing
    /// after.
    let tls: [EndpointTLS?]
    /// Per endpoint: when this worker last logged a TLS failure there, and
    /// how many it kept quiet about since (one line per second at most).
    var tlsFailureLoggedAt: [UInt64]
    var tlsFailuresUnlogged: [Int]
    /// Per endpoint: a moving average of how long its answers take to begin
    /// (request sent to first body byte, or to the end of a bodiless
    /// answer); 0 until known. It decides whether waiting for it is worth a
    /// spin (`Worker.beginAwaitingAnswer`).
    var answerDelayNs: [UInt64]

    init(table: RoutingTable, workerID: Int, metrics board: MetricsBoard?, tlsContexts: UpstreamTLSContexts) {
        self.table = table
        let poolContexts = tlsContexts.contexts(for: table)
        tls = table.endpoints.map { e in
            guard let name = e.tlsServerName, let context = poolContexts[e.pool] else { return nil }
            var port: UInt16 = 443
            if case .https(_, let p) = e.address { port = p }
            return EndpointTLS(context: context, serverName: name, port: port)
        }
        tlsFailureLoggedAt = Array(repeating: 0, count: table.endpoints.count)
        tlsFailuresUnlogged = Array(repeating: 0, count: table.endpoints.count)
        answerDelayNs = Array(repeating: 0, count: table.endpoints.count)
        metrics = board?.shard(for: table, worker: workerID)
        addresses = .allocate(capacity: max(1, table.endpoints.count))
        for (i, e) in table.endpoints.enumerated() {
            addresses[i] = rw_address()
            switch e.address {
            case .http(let host, let port), .https(let host, let port): _ = rw_address_ip(host, port, addresses + i)
            case .unix(let path): _ = rw_address_unix(path, addresses + i)
            }
        }
        idle = Array(repeating: [], count: table.endpoints.count)
        openPerPool = Array(repeating: 0, count: table.pools.count)
        shadowSamplers = table.shadows.map { ShadowSampler(fraction: $0.fraction) }
        shadowStats = Array(repeating: ShadowStats(), count: table.shadows.count)
        queues = table.pools.map {
            AdmissionQueue(classes: max(1, table.priorityClassCount), maxWaiting: $0.concurrency == nil ? 0 : $0.queue.maxWaiting)
        }
        balancers = table.pools.enumerated().map { p, pool in
            PoolBalancer(strategy: pool.strategy, weights: pool.weights, outlier: pool.outlier,
                         shared: table.endpoints[pool.endpointRange].map(\.shared),
                         seed: UInt64(workerID &* 7919 &+ p &+ 1) &* 0x9E37_79B9_7F4A_7C15,
                         // Keyed by URL, so a reload that adds or drops an
                         // endpoint moves only its share of conversations.
                         ringKeys: table.endpoints[pool.endpointRange].map { AffinityHash.ringKey(url: $0.url) })
        }
    }

    deinit { addresses.deallocate() }
}

/// What an https endpoint's connections need: the pool's context (or why it
/// could not be built) and the name to send and verify.
struct EndpointTLS {
    let context: Result<TLSClientContext, TLSError>
    let serverName: String
    /// `Host` for it: the name, bracketed when an IPv6 address, with the
    /// port unless it is 443 (RFC 9110 §7.2).
    let hostField: [UInt8]

    init(context: Result<TLSClientContext, TLSError>, serverName: String, port: UInt16) {
        self.context = context
        self.serverName = serverName
        var host = serverName.contains(":") ? "[\(serverName)]" : serverName
        if port != 443 { host += ":\(port)" }
        hostField = Array(host.utf8)
    }
}
