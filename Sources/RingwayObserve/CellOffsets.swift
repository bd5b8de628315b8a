/// Where each family starts in a shard's cells, and the sizes the hot path
/// multiplies by: plain integers copied into every shard, so recording a
/// metric reads only the shard object it was called on.
///
/// ```
/// cells: [requests: model × route × code][requestsByKey: key × code]
///        [requestDuration: model × pool × 25][proxyOverhead: pool × 25] ...
///        [activeConnections: 1][queueDepth: pool]
/// ```
/// A histogram series is 24 bucket counts then the nanosecond sum
/// (`LatencyBuckets.cellsPerSeries`).
@usableFromInline
struct CellOffsets: Sendable {
    // Dimension sizes. The configured count of a dimension is also the index
    // of its reserved slot (`none` / `anonymous`).
    @usableFromInline let models: Int
    @usableFromInline let pools: Int
    @usableFromInline let endpoints: Int
    @usableFromInline let keys: Int
    @usableFromInline let priorities: Int
    @usableFromInline let modelSlots: Int
    @usableFromInline let poolSlots: Int
    @usableFromInline let routeSlots: Int
    @usableFromInline let keySlots: Int
    @usableFromInline let prioritySlots: Int

    // Family bases, in cells.
    @usableFromInline let requests: Int
    @usableFromInline let requestsByKey: Int
    @usableFromInline let requestDuration: Int
    @usableFromInline let proxyOverhead: Int
    @usableFromInline let upstreamTTFB: Int
    @usableFromInline let timeToFirstToken: Int
    @usableFromInline let interTokenLatency: Int
    @usableFromInline let promptTokens: Int
    @usableFromInline let completionTokens: Int
    @usableFromInline let cost: Int
    @usableFromInline let requestBytes: Int
    @usableFromInline let responseBytes: Int
    @usableFromInline let retries: Int
    @usableFromInline let fallbacks: Int
    @usableFromInline let admissionRejected: Int
    @usableFromInline let activeConnections: Int
    @usableFromInline let queueDepth: Int

    init(models: Int, pools: Int, endpoints: Int, keys: Int, priorities: Int, bases: [Int]) {
        self.models = models
        self.pools = pools
        self.endpoints = endpoints
        self.keys = keys
        self.priorities = priorities
        modelSlots = models + 1
        poolSlots = pools + 1
        routeSlots = endpoints + pools + 1
        keySlots = keys + 1
        prioritySlots = priorities + 1
        func base(_ family: MetricFamily) -> Int { bases[family.rawValue] }
        requests = base(.requests)
        requestsByKey = base(.requestsByKey)
        requestDuration = base(.requestDuration)
        proxyOverhead = base(.proxyOverhead)
        upstreamTTFB = base(.upstreamTTFB)
        timeToFirstToken = base(.timeToFirstToken)
        interTokenLatency = base(.interTokenLatency)
        promptTokens = base(.promptTokens)
        completionTokens = base(.completionTokens)
        cost = base(.cost)
        requestBytes = base(.requestBytes)
        responseBytes = base(.responseBytes)
        retries = base(.retries)
        fallbacks = base(.fallbacks)
        admissionRejected = base(.admissionRejected)
        activeConnections = base(.activeConnections)
        queueDepth = base(.queueDepth)
    }

    /// The size of a dimension, reserved slots included.
    func size(of dimension: MetricDimension) -> Int {
        switch dimension {
        case .model: modelSlots
        case .pool: poolSlots
        case .route: routeSlots
        case .endpoint: endpoints
        case .key: keySlots
        case .priority: prioritySlots
        case .code: StatusCodeLabel.count
        }
    }
}
