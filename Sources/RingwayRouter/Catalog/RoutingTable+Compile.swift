import RingwayHTTP

/// A config that validated but still cannot be compiled (a rule's pattern).
public struct RoutingTableError: Error, CustomStringConvertible {
    public var description: String
}

extension RoutingTable {
    /// Compiles a validated config. `previous` lends its endpoints' shared
    /// state (health, scraped load) to endpoints with the same URL, so a
    /// reload does not forget what the prober learnt.
    public static func compile(
        _ config: RouterConfig, version: Int, loadedAt: Double, previous: RoutingTable? = nil, isSidecar: Bool = false
    ) throws(RoutingTableError) -> RoutingTable {
        var previousShared: [String: SharedEndpointState] = [:]
        for e in previous?.endpoints ?? [] { previousShared[e.url] = e.shared }
        // A pool keeps its in-flight count across a reload (same name, same
        // limit): requests admitted before it still hold their slots.
        var previousConcurrency: [String: PoolConcurrency] = [:]
        for p in previous?.pools ?? [] { if let c = p.concurrency { previousConcurrency[p.name] = c } }

        var poolIndex: [String: Int] = [:]
        var pools: [PoolEntry] = []
        var endpoints: [EndpointEntry] = []
        for (p, pool) in config.pools.enumerated() {
            poolIndex[pool.name] = p
            let start = endpoints.count
            for e in pool.endpoints {
                endpoints.append(EndpointEntry(
                    pool: p, address: e.address, url: e.url, urlBytes: Array(e.url.utf8), weight: e.weight,
                    tlsServerName: e.tlsServerName.map { pool.tls?.serverName ?? $0 },
                    shared: previousShared[e.url] ?? SharedEndpointState()))
            }
            var extra: [UInt8] = []
            for h in pool.headers {
                extra.append(contentsOf: h.name.utf8)
                extra.append(contentsOf: ": ".utf8)
                extra.append(contentsOf: h.value.utf8)
                extra.append(contentsOf: "\r\n".utf8)
            }
            // Each hop sends its own traceparent (a child of the client's).
            var removed = pool.headers.map(\.name) + ["traceparent"]
            // Ringway's own API keys must never reach an upstream.
            if !config.keys.isEmpty && !removed.contains("authorization") { removed.append("authorization") }
            var affinityBytes = 0
            if case .prefixAffinity(let n, _) = pool.strategy { affinityBytes = n }
            pools.append(PoolEntry(
                name: pool.name, nameBytes: Array(pool.name.utf8), endpointRange: start..<endpoints.count,
                strategy: pool.strategy, weights: pool.endpoints.map(\.weight),
                hostHeader: Array((pool.hostHeader ?? "").utf8), removedFieldNames: RemovedFieldNames.pack(removed),
                extraFieldLines: extra, maxConnectionsPerWorker: pool.maxConnectionsPerWorker,
                maxConcurrency: pool.maxConcurrency,
                concurrency: pool.maxConcurrency.map { limit in
                    previousConcurrency[pool.name].flatMap { $0.limit == limit ? $0 : nil } ?? PoolConcurrency(limit: limit)
                },
                queue: pool.queue, outlier: pool.outlier,
                connectTimeoutMs: pool.connectTimeoutMs, firstByteTimeoutMs: pool.firstByteTimeoutMs,
                healthCheck: pool.healthCheck, metrics: pool.metrics, affinityPrefixBytes: affinityBytes,
                tls: pool.endpoints.contains { $0.tlsServerName != nil } ? pool.tls ?? PoolTLSConfig() : nil))
        }

        var modelIndex: [String: Int] = [:]
        for (m, model) in config.models.enumerated() { modelIndex[model.name] = m }
        func pool(_ name: String, _ what: String) throws(RoutingTableError) -> Int {
            guard let p = poolIndex[name] else { throw RoutingTableError(description: "\(what): no pool \"\(name)\"") }
            return p
        }
        func model(_ name: String, _ what: String) throws(RoutingTableError) -> Int {
            guard let m = modelIndex[name] else { throw RoutingTableError(description: "\(what): no model \"\(name)\"") }
            return m
        }

        var models: [ModelEntry] = []
        var names: [(key: [UInt8], value: Int)] = []
        for (m, cfg) in config.models.enumerated() {
            var fallbacks: [Int] = []
            for f in cfg.fallbacks { fallbacks.append(try model(f, "models.\(cfg.name).fallbacks")) }
            models.append(ModelEntry(
                name: cfg.name, nameBytes: Array(cfg.name.utf8), pool: try pool(cfg.pool, "models.\(cfg.name).pool"),
                upstreamToken: JSONQuoting.quoted(cfg.upstreamModel ?? cfg.name), price: cfg.price,
                contextWindow: cfg.contextWindow, capabilities: cfg.capabilities,
                capabilitySet: CapabilitySet(cfg.capabilities), upstreamName: Array((cfg.upstreamModel ?? cfg.name).utf8),
                fallbacks: fallbacks,
                fallbackOn: cfg.fallbackOn, maxLatencyNs: UInt64(cfg.maxLatencyMs ?? 0) * 1_000_000,
                countsStreamUsage: cfg.countStreamUsage ?? config.countStreamUsage))
            names.append((Array(cfg.name.utf8), m))
            for a in cfg.aliases { names.append((Array(a.utf8), m)) }
        }

        func target(_ t: RuleTarget, _ what: String) throws(RoutingTableError) -> TargetRef {
            switch t {
            case .model(let name): return .model(try model(name, what))
            case .pool(let name): return .pool(try pool(name, what))
            case .cheapest(let list):
                var out: [Int] = []
                for name in list { out.append(try model(name, what)) }
                return .cheapest(out)
            }
        }

        var routes: [RouteEntry] = []
        for (i, r) in config.routes.enumerated() {
            let kind: RouteEntry.Kind
            switch r.kind {
            case .model: kind = .model
            case .modelList: kind = .modelList
            case .passthrough(let name): kind = .passthrough(pool: try pool(name, "routes[\(i)]"))
            }
            routes.append(RouteEntry(path: Array(r.path.utf8), isPrefix: r.isPrefix, kind: kind))
        }

        var classNames: [(key: [UInt8], value: Int)] = []
        for (i, c) in config.priority.classes.enumerated() { classNames.append((Array(c.utf8), i)) }
        var keys: [KeyEntry] = []
        var keyBytes: [(key: [UInt8], value: Int)] = []
        for (i, k) in config.keys.enumerated() {
            keys.append(KeyEntry(
                name: k.name, nameBytes: Array(k.name.utf8), tenantBytes: Array((k.tenant ?? "").utf8),
                priority: k.priority.flatMap { config.priority.classes.firstIndex(of: $0) }))
            keyBytes.append((Array(k.key.utf8), i))
        }

        var rules: [RuleEntry] = []
        for (i, r) in config.rules.enumerated() {
            rules.append(RuleEntry(name: r.name, nameBytes: Array(r.name.utf8),
                                   target: try target(r.target, "rules[\(i)] (\(r.name))")))
        }
        let compiledRules: CompiledRules
        do {
            compiledRules = try CompiledRules(config.rules)
        } catch {
            throw RoutingTableError(description: "rules: \(error)")
        }
        let defaultTarget = try config.defaultTarget.map { t throws(RoutingTableError) in try target(t, "default") }

        var splitOfModel = [Int?](repeating: nil, count: models.count)
        var splits: [SplitEntry] = []
        for (i, s) in config.splits.enumerated() {
            let source = try model(s.model, "splits[\(i)].model")
            var targets: [Int] = []
            for t in s.targets { targets.append(try model(t.model, "splits[\(i)].targets")) }
            splitOfModel[source] = splits.count
            let weights = s.targets.map(\.weight)
            splits.append(SplitEntry(name: s.name, targets: targets, weights: weights, sticky: s.sticky,
                                     chooser: WeightedSplit(weights: weights)))
        }
        var shadowOfModel = [Int?](repeating: nil, count: models.count)
        var shadows: [ShadowEntry] = []
        for (i, s) in config.shadows.enumerated() {
            let source = try model(s.model, "shadows[\(i)].model")
            shadowOfModel[source] = shadows.count
            shadows.append(ShadowEntry(pool: try pool(s.pool, "shadows[\(i)].pool"), fraction: s.fraction))
        }

        return RoutingTable(
            version: version, loadedAt: loadedAt, config: config, pools: pools, endpoints: endpoints, models: models,
            modelNames: ByteKeyTable(names), routes: routes, keyLookup: ByteKeyTable(keyBytes), keys: keys,
            priorityClasses: ByteKeyTable(classNames), rules: rules, compiledRules: compiledRules,
            defaultTarget: defaultTarget,
            splitOfModel: splitOfModel, splits: splits, shadowOfModel: shadowOfModel, shadows: shadows,
            modelListBody: modelList(config, createdAt: Int(loadedAt)), isSidecar: isSidecar)
    }

    /// Sidecar mode (`--upstream` and no config file): every path passes
    /// through to the one upstream.
    /// `tls` and `tlsServerName` apply to an https upstream only.
    public static func sidecar(upstream: EndpointAddress, url: String, loadedAt: Double, tls: PoolTLSConfig? = nil,
                               tlsServerName: String? = nil) -> RoutingTable {
        var config = RouterConfig()
        config.admin.listen = nil
        var endpoint = EndpointConfig(address: upstream, url: url)
        if let tlsServerName, endpoint.tlsServerName != nil { endpoint.tlsServerName = tlsServerName }
        var pool = PoolConfig(name: "upstream", endpoints: [endpoint])
        pool.tls = tls
        config.pools = [pool]
        config.routes = [RouteConfig(path: "/", isPrefix: true, kind: .passthrough(pool: "upstream"))]
        config.retry.maxAttempts = 1
        // A one-endpoint sidecar cannot be compiled wrongly.
        return try! compile(config, version: 1, loadedAt: loadedAt, isSidecar: true)
    }

    /// OpenAI's list shape: `{"object":"list","data":[{"id","object":"model","created","owned_by"}]}`,
    /// public names and aliases both listed (clients pick from it).
    static func modelList(_ config: RouterConfig, createdAt: Int) -> [UInt8] {
        var out = Array(#"{"object":"list","data":["#.utf8)
        var first = true
        for m in config.models {
            for id in [m.name] + m.aliases {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                out.append(contentsOf: #"{"id":"#.utf8)
                out.append(contentsOf: JSONQuoting.quoted(id))
                out.append(contentsOf: #","object":"model","created":\#(createdAt),"owned_by":"#.utf8)
                out.append(contentsOf: JSONQuoting.quoted(m.ownedBy))
                out.append(UInt8(ascii: "}"))
            }
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }
}
