/// Where an endpoint's circuit breaker stands.
public enum BreakerState: Sendable, Equatable {
    /// Traffic flows; failures are being counted.
    case closed
    /// Ejected until `ejectedUntil`; no traffic.
    case open
    /// The ejection has run out: one probe request decides between closed
    /// and open again.
    case halfOpen
}

/// One endpoint's figures as one worker sees them, for `/admin/state`.
public struct EndpointSnapshot: Sendable, Equatable {
    public var outstanding: Int
    /// 0 = no latency measured yet.
    public var ewmaLatencyNs: UInt64
    public var consecutiveFailures: Int
    public var breaker: BreakerState
    /// Monotonic ns; 0 when never ejected.
    public var ejectedUntil: UInt64
    /// The active health check's verdict (shared by all workers).
    public var healthy: Bool
    public var requests: UInt64
    /// Outcomes that count towards ejection (5xx, connect failures, timeouts).
    public var failures: UInt64
    public var rateLimited: UInt64
}
