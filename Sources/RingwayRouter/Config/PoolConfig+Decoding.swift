/// `"pools": {"<name>": {...}}`: endpoints, balancing and per-pool limits.
extension PoolConfig {
    static let fieldNames = [
        "endpoints", "strategy", "affinity", "host", "headers", "max_connections", "max_concurrency", "queue",
        "health_check", "metrics", "outlier", "connect_timeout_ms", "first_byte_timeout_ms", "tls",
    ]

    /// Always returns a pool, even a broken one, so that references to its
    /// name resolve and the file's other errors are still found.
    static func decode(_ entry: ConfigJSONMember, _ decoder: ConfigDecoder) -> PoolConfig {
        let path = ConfigPath.member("pools", entry.key)
        ConfigName.check(entry.key, path, at: entry.keyOffset, decoder, what: "pool")
        var pool = PoolConfig(name: entry.key, endpoints: [])
        guard let object = decoder.object(entry.value, path, fields: fieldNames) else { return pool }
        if let node = object.required("endpoints") {
            pool.endpoints = decodeEndpoints(node, object.path("endpoints"), decoder)
        }
        if let strategy = decodeStrategy(object) { pool.strategy = strategy }
        if let node = object["host"], let host = decoder.string(node, object.path("host")) {
            if ConfigSyntax.isHostHeader(host) {
                pool.hostHeader = host
            } else {
                object.report("host", "expected a host name or address with an optional :port, got \(ConfigText.quoted(host))")
            }
        }
        if let node = object["headers"] {
            for field in HeaderFieldsDecoding.decode(node, object.path("headers"), decoder) {
                if let reason = HeaderFieldsDecoding.reservedReason(field.name) {
                    decoder.report(field.path, at: field.valueNode.offset, reason)
                } else {
                    pool.headers.append(HeaderConfig(name: field.name, value: field.value))
                }
            }
        }
        pool.maxConnectionsPerWorker = object.int("max_connections", ConfigLimits.maxConnections)
        pool.maxConcurrency = object.int("max_concurrency", ConfigLimits.maxConcurrency)
        if let node = object["queue"] {
            if !object.has("max_concurrency") {
                object.report("queue", "\"queue\" has no effect without \"max_concurrency\" (requests only wait when the pool is at its limit)")
            }
            pool.queue = QueueConfig.decode(node, object.path("queue"), decoder)
        }
        if let node = object["health_check"] {
            pool.healthCheck = HealthCheckConfig.decode(node, object.path("health_check"), decoder)
        }
        if let node = object["metrics"] {
            pool.metrics = MetricsScrapeConfig.decode(node, object.path("metrics"), decoder)
        }
        if case .loadAware = pool.strategy, pool.metrics == nil, !object.has("metrics") || object["metrics"]?.value == .bool(false) {
            object.report("strategy", "\"load_aware\" steers by scraped server metrics; set \"metrics\" to true or an object")
        }
        if let node = object["outlier"] { pool.outlier = OutlierConfig.decode(node, object.path("outlier"), decoder) }
        pool.connectTimeoutMs = object.int("connect_timeout_ms", ConfigLimits.timeoutMs)
        pool.firstByteTimeoutMs = object.int("first_byte_timeout_ms", ConfigLimits.timeoutMs)
        if let node = object["tls"] {
            pool.tls = PoolTLSConfig.decode(node, object.path("tls"), decoder)
            if !pool.endpoints.isEmpty && !pool.endpoints.contains(where: { $0.tlsServerName != nil }) {
                object.report("tls", "\"tls\" applies to https endpoints and this pool has none")
            }
        }
        return pool
    }

    /// A non-empty array of `"url"` strings or `{"url", "weight"}` objects.
    private static func decodeEndpoints(_ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder) -> [EndpointConfig] {
        guard let elements = decoder.array(node, path) else { return [] }
        guard !elements.isEmpty else {
            decoder.report(path, at: node.offset, "a pool needs at least one endpoint")
            return []
        }
        var endpoints: [EndpointConfig] = []
        for (index, element) in elements.enumerated() {
            let elementPath = ConfigPath.index(path, index)
            switch element.value {
            case .string(let url):
                if let address = decodeAddress(url, element, elementPath, decoder) {
                    endpoints.append(EndpointConfig(address: address, url: url))
                }
            case .object:
                guard let object = decoder.object(element, elementPath, fields: ["url", "weight"]) else { continue }
                let weight = object.int("weight", ConfigLimits.endpointWeight)
                guard let urlNode = object.required("url"), let url = decoder.string(urlNode, object.path("url")),
                      let address = decodeAddress(url, urlNode, object.path("url"), decoder) else { continue }
                endpoints.append(EndpointConfig(address: address, url: url, weight: weight ?? 1))
            default:
                decoder.mismatch(element, elementPath, expected: "a URL string or an object with \"url\" and \"weight\"")
            }
        }
        return endpoints
    }

    private static func decodeAddress(
        _ url: String, _ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder
    ) -> EndpointAddress? {
        switch ConfigSyntax.endpoint(url) {
        case .success(let address): return address
        case .failure(let refusal):
            decoder.report(path, at: node.offset, refusal.reason)
            return nil
        }
    }

    private enum StrategyName: String, CaseIterable {
        case roundRobin = "round_robin", leastOutstanding = "least_outstanding", p2cEWMA = "p2c_ewma"
        case prefixAffinity = "prefix_affinity", loadAware = "load_aware"
    }

    static let defaultPrefixBytes = 1_024
    static let defaultLoadFactor = 1.25

    /// `"strategy"` and, for `prefix_affinity` only, `"affinity"`.
    private static func decodeStrategy(_ object: ConfigObject) -> BalancingStrategy? {
        let decoder = object.decoder
        let name = object.choice("strategy", StrategyName.allCases.map { ($0.rawValue, $0) })
        if let node = object["affinity"] {
            guard name == .prefixAffinity else {
                let current = name?.rawValue ?? (object.has("strategy") ? nil : StrategyName.roundRobin.rawValue)
                if let current {
                    object.report("affinity", "\"affinity\" applies only to \"strategy\": \"prefix_affinity\" (this pool uses \(ConfigText.quoted(current)))")
                }
                return nil
            }
            guard let affinity = decoder.object(node, object.path("affinity"), fields: ["prefix_bytes", "load_factor"]) else {
                return nil
            }
            return .prefixAffinity(
                prefixBytes: affinity.int("prefix_bytes", ConfigLimits.prefixBytes) ?? defaultPrefixBytes,
                loadFactor: affinity.double("load_factor", min: ConfigLimits.loadFactor.min, max: ConfigLimits.loadFactor.max)
                    ?? defaultLoadFactor)
        }
        switch name {
        case nil: return nil
        case .roundRobin: return .roundRobin
        case .leastOutstanding: return .leastOutstanding
        case .p2cEWMA: return .p2cEWMA
        case .prefixAffinity: return .prefixAffinity(prefixBytes: defaultPrefixBytes, loadFactor: defaultLoadFactor)
        case .loadAware: return .loadAware
        }
    }
}
