/// One model a `cheapest` target may choose, as the proxy fills it in per
/// request from the catalog and the pool's balancer.
public struct CostCandidate: Sendable, Equatable {
    /// nil = no price configured (see `CheapestChooser`).
    public var price: Price?
    /// nil = unknown: the context check is skipped.
    public var contextWindow: Int?
    public var capabilities: CapabilitySet
    /// The latency objective (`max_latency_ms`) in ns; 0 = none.
    public var maxLatencyNs: UInt64
    /// The pool's current latency average (`PoolBalancer.ewmaLatencyNs`); 0 = unknown.
    public var measuredLatencyNs: UInt64
    /// False when the model's pool has nothing to offer (no endpoint, or the
    /// request already tried it).
    public var usable: Bool

    public init(price: Price?, contextWindow: Int?, capabilities: CapabilitySet, maxLatencyNs: UInt64 = 0,
                measuredLatencyNs: UInt64 = 0, usable: Bool = true) {
        self.price = price
        self.contextWindow = contextWindow
        self.capabilities = capabilities
        self.maxLatencyNs = maxLatencyNs
        self.measuredLatencyNs = measuredLatencyNs
        self.usable = usable
    }
}

/// What the request asks of the model.
public struct RequestNeeds: Sendable, Equatable {
    /// Estimated prompt tokens; 0 = unknown.
    public var promptTokens: Int
    /// `max_tokens` / `max_completion_tokens` when the request sets it.
    public var maxOutputTokens: Int?
    public var needsTools: Bool
    public var needsVision: Bool
    /// Not used to filter: configs seldom list `streaming` as a capability,
    /// and every chat model streams; kept so a later policy can.
    public var needsStreaming: Bool

    public init(promptTokens: Int, maxOutputTokens: Int? = nil, needsTools: Bool = false, needsVision: Bool = false,
                needsStreaming: Bool = false) {
        self.promptTokens = promptTokens
        self.maxOutputTokens = maxOutputTokens
        self.needsTools = needsTools
        self.needsVision = needsVision
        self.needsStreaming = needsStreaming
    }
}
