/// The active health check's verdict for one endpoint, with hysteresis: it
/// takes `unhealthyAfter` failed checks in a row to mark an endpoint down
/// and `healthyAfter` passed ones to bring it back, so one lost probe does
/// not flap traffic. Owned by the prober, which copies the verdict into
/// `SharedEndpointState` when `record` reports a change.
public struct HealthTracker: Sendable, Equatable {
    public let unhealthyAfter: Int
    public let healthyAfter: Int
    public private(set) var isHealthy: Bool
    /// Checks in a row that disagree with the current verdict.
    public private(set) var streak = 0

    /// Starts healthy: an endpoint is given traffic until a check says
    /// otherwise, as an unchecked one is.
    public init(_ config: HealthCheckConfig, initiallyHealthy: Bool = true) {
        unhealthyAfter = max(config.unhealthyAfter, 1)
        healthyAfter = max(config.healthyAfter, 1)
        isHealthy = initiallyHealthy
    }

    /// Folds in one check; true when the verdict changed.
    public mutating func record(success: Bool) -> Bool {
        guard success != isHealthy else {
            streak = 0
            return false
        }
        streak += 1
        guard streak >= (isHealthy ? unhealthyAfter : healthyAfter) else { return false }
        isHealthy = success
        streak = 0
        return true
    }
}
