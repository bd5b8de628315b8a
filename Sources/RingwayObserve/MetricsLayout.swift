/// The label values of every metric, fixed when a config is loaded, and
/// where each series lives in a shard.
///
/// Cardinality is bounded by construction: a label value is a configured
/// name, a reserved slot (`none`, `anonymous`) or a `StatusCodeLabel`, so
/// no request can create a series. The hot path addresses everything by the
/// small integer indices of the names given here (the router's own indices,
/// when it builds the layout from the same lists in the same order).
///
/// Immutable, shared by the workers' shards and the scraper. A reload builds
/// a new layout and new shards.
public final class MetricsLayout: Sendable {
    public struct Endpoint: Sendable, Equatable {
        public var name: String
        /// Index into `pools`.
        public var pool: Int

        public init(name: String, pool: Int) {
            self.name = name
            self.pool = pool
        }
    }

    /// Label value of the reserved slot for a request without a model, pool,
    /// endpoint or priority class.
    public static let noneLabel = "none"
    /// Label value of the reserved slot for a request without an API key.
    public static let anonymousKeyLabel = "anonymous"
    /// Cells per shard above which a layout is refused (32 MiB per worker):
    /// `requests` is a model × endpoint × code product, and a config with
    /// hundreds of both should hear about it rather than eat memory.
    public static let cellLimit = 4 << 20

    public let models: [String]
    public let pools: [String]
    public let endpoints: [Endpoint]
    public let keys: [String]
    public let priorities: [String]
    /// Cells in each shard; 8 bytes each.
    public let cellCount: Int

    @usableFromInline let offsets: CellOffsets
    /// Family bases by `MetricFamily.rawValue`.
    let bases: [Int]
    /// Pre-escaped `name="value"` fragments per dimension and index.
    let labels: LabelFragments

    /// Index of the `none` model, pool or priority, and of the `anonymous` key.
    public var noModel: Int { models.count }
    public var noPool: Int { pools.count }
    public var noPriority: Int { priorities.count }
    public var anonymousKey: Int { keys.count }

    public init(
        models: [String], pools: [String], endpoints: [Endpoint], keys: [String], priorities: [String]
    ) throws(MetricsLayoutError) {
        try Self.checkUnique(models, dimension: "model", reserved: Self.noneLabel)
        try Self.checkUnique(pools, dimension: "pool", reserved: Self.noneLabel)
        try Self.checkUnique(keys, dimension: "key", reserved: Self.anonymousKeyLabel)
        try Self.checkUnique(priorities, dimension: "priority", reserved: Self.noneLabel)
        var seen = Set<[String]>()
        for endpoint in endpoints {
            guard endpoint.pool >= 0 && endpoint.pool < pools.count else {
                throw .endpointPoolOutOfRange(endpoint: endpoint.name, pool: endpoint.pool, pools: pools.count)
            }
            if endpoint.name == Self.noneLabel { throw .reservedName(dimension: "endpoint", name: endpoint.name) }
            // Endpoint names are unique within their pool; two pools may
            // both have a "gpu-0", their series differ by the pool label.
            if !seen.insert([pools[endpoint.pool], endpoint.name]).inserted {
                throw .duplicateName(dimension: "endpoint", name: "\(pools[endpoint.pool])/\(endpoint.name)")
            }
        }
        self.models = models
        self.pools = pools
        self.endpoints = endpoints
        self.keys = keys
        self.priorities = priorities

        func size(_ dimension: MetricDimension) -> Int {
            switch dimension {
            case .model: models.count + 1
            case .pool: pools.count + 1
            case .route: endpoints.count + pools.count + 1
            case .endpoint: endpoints.count
            case .key: keys.count + 1
            case .priority: priorities.count + 1
            case .code: StatusCodeLabel.count
            }
        }
        var bases: [Int] = []
        var next = 0
        for family in MetricFamily.allCases {
            bases.append(next)
            let series = family.dimensions.reduce(1) { $0 * size($1) }
            next += series * (family.kind == .histogram ? LatencyBuckets.cellsPerSeries : 1)
        }
        guard next <= Self.cellLimit else { throw .tooManyCells(cells: next, limit: Self.cellLimit) }
        self.bases = bases
        cellCount = next
        offsets = CellOffsets(
            models: models.count, pools: pools.count, endpoints: endpoints.count, keys: keys.count,
            priorities: priorities.count, bases: bases)
        labels = LabelFragments(models: models, pools: pools, endpoints: endpoints, keys: keys, priorities: priorities)
    }

    /// Series of a family (label combinations, reserved slots included).
    public func seriesCount(_ family: MetricFamily) -> Int {
        family.dimensions.reduce(1) { $0 * offsets.size(of: $1) }
    }

    /// Values a dimension takes, reserved slots included.
    public func size(of dimension: MetricDimension) -> Int { offsets.size(of: dimension) }

    /// The first cell of a family.
    func base(_ family: MetricFamily) -> Int { bases[family.rawValue] }

    /// The `(label, value)` pairs of one index of a dimension, unescaped:
    /// for tests and for `ringway top`.
    public func labelPairs(_ dimension: MetricDimension, _ index: Int) -> [(String, String)] {
        labels.pairs(dimension, index)
    }

    private static func checkUnique(_ names: [String], dimension: String, reserved: String) throws(MetricsLayoutError) {
        var seen = Set<String>()
        for name in names {
            if name == reserved { throw .reservedName(dimension: dimension, name: name) }
            if !seen.insert(name).inserted { throw .duplicateName(dimension: dimension, name: name) }
        }
    }
}

extension MetricsLayout {
    /// The `route` index `requestFinished` files a request under: the
    /// endpoint when there is one, else "this pool, no endpoint", else
    /// "no pool" (for `MetricsSnapshot` queries).
    public func routeIndex(pool: Int, endpoint: Int) -> Int {
        if endpoint >= 0 && endpoint < endpoints.count { return endpoint }
        return endpoints.count + (pool >= 0 && pool < pools.count ? pool : pools.count)
    }
}

extension MetricsLayout {
    /// Whether an index is a dimension's reserved slot (`none`, `anonymous`).
    public func isReserved(_ dimension: MetricDimension, _ index: Int) -> Bool {
        switch dimension {
        case .model: index == models.count
        case .pool: index == pools.count
        case .route: index >= endpoints.count
        case .endpoint, .code: false
        case .key: index == keys.count
        case .priority: index == priorities.count
        }
    }
}
