import RingwayHTTP

/// One configuration, compiled for the hot path: names are byte strings
/// looked up without building Strings, references are indices, and every
/// header line the proxy adds is rendered once. Immutable and shared by all
/// workers; a reload builds a new table and workers switch between requests.
public final class RoutingTable: Sendable {
    /// Increases by one per successful load.
    public let version: Int
    /// Wall-clock seconds since 1970 when the table was built.
    public let loadedAt: Double
    public let config: RouterConfig

    public let pools: [PoolEntry]
    /// Every pool's endpoints back to back; a pool owns `endpointRange`.
    public let endpoints: [EndpointEntry]
    public let models: [ModelEntry]
    /// Public names and aliases -> model index.
    public let modelNames: ByteKeyTable
    public let routes: [RouteEntry]
    /// Raw API key bytes -> index into `keys`.
    public let keyLookup: ByteKeyTable
    public let keys: [KeyEntry]
    public let requireKey: Bool
    /// Lowercase name of the header that carries a priority class.
    public let priorityHeader: [UInt8]
    public let priorityClasses: ByteKeyTable
    public let priorityClassCount: Int
    public let defaultPriority: Int
    public let rules: [RuleEntry]
    /// The rules' conditions, compiled (patterns included).
    public let compiledRules: CompiledRules
    public let defaultTarget: TargetRef?
    /// Per model index: the A/B split that replaces it, if any.
    public let splitOfModel: [Int?]
    public let splits: [SplitEntry]
    /// Per model index: the shadow that mirrors it, if any.
    public let shadowOfModel: [Int?]
    public let shadows: [ShadowEntry]
    public let retry: RetryConfig
    /// The `/v1/models` response body.
    public let modelListBody: [UInt8]
    /// Sidecar mode: no config file, every request to the one upstream.
    public let isSidecar: Bool
    /// How much prompt the body inspector hashes for affinity: the most any
    /// pool asks for.
    public let affinityPrefixBytes: Int

    init(version: Int, loadedAt: Double, config: RouterConfig, pools: [PoolEntry], endpoints: [EndpointEntry],
         models: [ModelEntry], modelNames: ByteKeyTable, routes: [RouteEntry], keyLookup: ByteKeyTable,
         keys: [KeyEntry], priorityClasses: ByteKeyTable, rules: [RuleEntry], compiledRules: CompiledRules,
         defaultTarget: TargetRef?,
         splitOfModel: [Int?], splits: [SplitEntry], shadowOfModel: [Int?], shadows: [ShadowEntry],
         modelListBody: [UInt8], isSidecar: Bool)
    {
        self.version = version
        self.loadedAt = loadedAt
        self.config = config
        self.pools = pools
        self.endpoints = endpoints
        self.models = models
        self.modelNames = modelNames
        self.routes = routes
        self.keyLookup = keyLookup
        self.keys = keys
        requireKey = config.requireKey
        priorityHeader = Array(config.priority.header.lowercased().utf8)
        self.priorityClasses = priorityClasses
        priorityClassCount = config.priority.classes.count
        defaultPriority = config.priority.classes.firstIndex(of: config.priority.defaultClass) ?? 0
        self.rules = rules
        self.compiledRules = compiledRules
        self.defaultTarget = defaultTarget
        self.splitOfModel = splitOfModel
        self.splits = splits
        self.shadowOfModel = shadowOfModel
        self.shadows = shadows
        retry = config.retry
        self.modelListBody = modelListBody
        self.isSidecar = isSidecar
        affinityPrefixBytes = pools.map(\.affinityPrefixBytes).max() ?? 0
    }

    /// The first route whose path matches `path` (the target up to `?`).
    @inlinable
    public func route(forPath path: UnsafeRawBufferPointer) -> Int? {
        for i in routes.indices where routes[i].matches(path) { return i }
        return nil
    }

    public func endpointIndex(pool: Int, member: Int) -> Int { pools[pool].endpointRange.lowerBound + member }
}

/// What a rule, a split arm or the default points at.
public enum TargetRef: Sendable, Equatable {
    case model(Int)
    case pool(Int)
    case cheapest([Int])
}

public final class PoolEntry: Sendable {
    public let name: String
    public let nameBytes: [UInt8]
    public let endpointRange: Range<Int>
    public let strategy: BalancingStrategy
    public let weights: [Int]
    /// Empty: keep the client's Host.
    public let hostHeader: [UInt8]
    /// Packed for `ForwardingContext.removedFieldNames`.
    public let removedFieldNames: [UInt8]
    /// Rendered "name: value\r\n" lines for `ForwardingContext.extraFieldLines`.
    public let extraFieldLines: [UInt8]
    public let maxConnectionsPerWorker: Int?
    public let maxConcurrency: Int?
    /// Shared by all workers when `max_concurrency` is set.
    public let concurrency: PoolConcurrency?
    public let queue: QueueConfig
    public let outlier: OutlierConfig
    public let connectTimeoutMs: Int?
    public let firstByteTimeoutMs: Int?
    public let healthCheck: HealthCheckConfig?
    public let metrics: MetricsScrapeConfig?
    /// Affinity needs the prompt prefix hashed over this many bytes; 0 = no affinity.
    public let affinityPrefixBytes: Int
    /// How the pool's https endpoints are verified; nil when it has none.
    public let tls: PoolTLSConfig?

    init(
        name: String,
        nameBytes: [UInt8],
        endpointRange: Range<Int>,
        strategy: BalancingStrategy,
        weights: [Int],
        hostHeader: [UInt8],
        removedFieldNames: [UInt8],
        extraFieldLines: [UInt8],
        maxConnectionsPerWorker: Int?,
        maxConcurrency: Int?,
        concurrency: PoolConcurrency?,
        queue: QueueConfig,
        outlier: OutlierConfig,
        connectTimeoutMs: Int?,
        firstByteTimeoutMs: Int?,
        healthCheck: HealthCheckConfig?,
        metrics: MetricsScrapeConfig?,
        affinityPrefixBytes: Int,
        tls: PoolTLSConfig?
    ) {
        self.name = name
        self.nameBytes = nameBytes
        self.endpointRange = endpointRange
        self.strategy = strategy
        self.weights = weights
        self.hostHeader = hostHeader
        self.removedFieldNames = removedFieldNames
        self.extraFieldLines = extraFieldLines
        self.maxConnectionsPerWorker = maxConnectionsPerWorker
        self.maxConcurrency = maxConcurrency
        self.concurrency = concurrency
        self.queue = queue
        self.outlier = outlier
        self.connectTimeoutMs = connectTimeoutMs
        self.firstByteTimeoutMs = firstByteTimeoutMs
        self.healthCheck = healthCheck
        self.metrics = metrics
        self.affinityPrefixBytes = affinityPrefixBytes
        self.tls = tls
    }
}

public struct EndpointEntry: Sendable {
    public let pool: Int
    public let address: EndpointAddress
    public let url: String
    public let urlBytes: [UInt8]
    public let weight: Int
    /// https endpoints: the name sent as SNI and verified (the pool's
    /// `tls.server_name`, else the URL's host). nil = plaintext.
    public let tlsServerName: String?
    /// Kept across reloads for an unchanged address, so health survives them.
    public let shared: SharedEndpointState
}

public final class ModelEntry: Sendable {
    public let name: String
    public let nameBytes: [UInt8]
    public let pool: Int
    /// `upstreamName` as a JSON string, quotes included: spliced over the
    /// client's model value whenever that differs (an alias, a rule's or a
    /// fallback's choice, an `upstream_model`).
    public let upstreamToken: [UInt8]
    public let price: Price?
    public let contextWindow: Int?
    public let capabilities: Set<Capability>
    public let capabilitySet: CapabilitySet
    /// The name the upstream knows the model by (`upstream_model`, else the
    /// public name), raw and as a JSON string ready to splice.
    public let upstreamName: [UInt8]
    public let fallbacks: [Int]
    public let fallbackOn: FallbackTriggers
    public let maxLatencyNs: UInt64
    /// Streams to this model ask upstream for usage even when the client did
    /// not (`count_stream_usage`), and the client is shown none of it.
    public let countsStreamUsage: Bool

    init(
        name: String,
        nameBytes: [UInt8],
        pool: Int,
        upstreamToken: [UInt8],
        price: Price?,
        contextWindow: Int?,
        capabilities: Set<Capability>,
        capabilitySet: CapabilitySet,
        upstreamName: [UInt8],
        fallbacks: [Int],
        fallbackOn: FallbackTriggers,
        maxLatencyNs: UInt64,
        countsStreamUsage: Bool
    ) {
        self.name = name
        self.nameBytes = nameBytes
        self.pool = pool
        self.upstreamToken = upstreamToken
        self.price = price
        self.contextWindow = contextWindow
        self.capabilities = capabilities
        self.capabilitySet = capabilitySet
        self.upstreamName = upstreamName
        self.fallbacks = fallbacks
        self.fallbackOn = fallbackOn
        self.maxLatencyNs = maxLatencyNs
        self.countsStreamUsage = countsStreamUsage
    }
}

public struct RouteEntry: Sendable {
    public enum Kind: Sendable, Equatable {
        case model
        case passthrough(pool: Int)
        case modelList
    }

    public let path: [UInt8]
    public let isPrefix: Bool
    public let kind: Kind

    @inlinable
    public func matches(_ requestPath: UnsafeRawBufferPointer) -> Bool {
        if isPrefix {
            guard requestPath.count >= path.count else { return false }
        } else {
            guard requestPath.count == path.count else { return false }
        }
        return path.withUnsafeBytes { p in
            for i in 0..<p.count where p[i] != requestPath[i] { return false }
            return true
        }
    }
}

public struct KeyEntry: Sendable {
    public let name: String
    public let nameBytes: [UInt8]
    public let tenantBytes: [UInt8]
    /// Priority class index, or nil for the default.
    public let priority: Int?
}

public struct RuleEntry: Sendable {
    public let name: String
    public let nameBytes: [UInt8]
    public let target: TargetRef
}

public struct SplitEntry: Sendable {
    public let name: String
    public let targets: [Int]
    public let weights: [Int]
    public let sticky: StickyKey
    public let chooser: WeightedSplit
}

public struct ShadowEntry: Sendable {
    public let pool: Int
    public let fraction: Double
}
