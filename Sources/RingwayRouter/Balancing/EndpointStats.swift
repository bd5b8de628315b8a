/// What one worker's balancer knows about one endpoint from its own traffic.
/// Kept in one contiguous buffer per pool, so a 64-endpoint scan touches a
/// few cache lines and no reference counts.
struct EndpointStats {
    var weight: Int
    var outstanding = 0
    /// Smooth weighted round-robin's running weight.
    var currentWeight = 0
    /// 0 = no sample yet.
    var ewmaNs: UInt64 = 0
    var ewmaUpdatedAt: UInt64 = 0
    /// Monotonic ns of the last failure that counts; 0 = never, which sorts
    /// first when the pool panics.
    var lastFailureAt: UInt64 = 0
    var breaker = CircuitBreaker()
    var requests: UInt64 = 0
    var failures: UInt64 = 0
    var rateLimited: UInt64 = 0

    init(weight: Int) { self.weight = weight }
}

/// The latency average both per endpoint and per pool: alpha = 1/10 per
/// sample, so the last ~10 requests carry two thirds of the weight. Per
/// sample rather than per unit of time because it needs no `exp` and stays
/// exact in integers; staleness is handled separately by `PoolBalancer`
/// forgetting a figure that has not been refreshed for 10 s.
@inline(__always)
func ewmaUpdate(_ average: UInt64, sample: UInt64) -> UInt64 {
    average == 0 ? max(sample, 1) : max((average &* 9 &+ sample) / 10, 1)
}
