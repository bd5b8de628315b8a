/// One endpoint's passive outlier detection and circuit breaker, driven only
/// by the outcomes this worker sees (no shared state: each worker ejects on
/// its own evidence, which needs no atomics and converges as fast as traffic
/// does).
///
/// ```
///            N consecutive failures                ejection runs out
///  closed ─────────────────────────▶ open ──────────────────────────────▶ half-open
///    ▲       (if the pool may eject)   ▲   (time passes; pick claims      │
///    │                                 │    the single probe)             │
///    │                                 └───── probe fails: eject again, ──┤
///    │                                        twice as long (≤ 10x)       │
///    └────────────────────────── probe succeeds ──────────────────────────┘
/// ```
struct CircuitBreaker {
    private(set) var state = BreakerState.closed
    private(set) var consecutiveFailures = 0
    /// Monotonic ns when the current (or last) ejection ends.
    private(set) var ejectedUntil: UInt64 = 0
    /// Ejections in the current streak; sets the next ejection's length.
    private var streak = 0
    private var closedAt: UInt64 = 0
    private var probeInFlight = false
    private var probeClaimedAt: UInt64 = 0

    /// Whether traffic is held back (open or half-open): what counts against
    /// `max_ejected_percent`.
    var isEjected: Bool { state != .closed }

    /// Whether `pick` may choose this endpoint now. A half-open endpoint
    /// admits one probe; a probe whose outcome never comes back (the proxy
    /// lost track of it) is given up after one base ejection length, so the
    /// endpoint cannot stay stuck half-open.
    @inline(__always)
    func admits(now: UInt64, probeTimeoutNs: UInt64) -> Bool {
        switch state {
        case .closed: return true
        case .open: return now >= ejectedUntil
        case .halfOpen: return !probeInFlight || now &- probeClaimedAt >= probeTimeoutNs
        }
    }

    /// `pick` chose this endpoint: if the ejection has run out, this request
    /// is the probe.
    @inline(__always)
    mutating func noteChosen(now: UInt64) {
        guard state != .closed else { return }
        state = .halfOpen
        probeInFlight = true
        probeClaimedAt = now
    }

    /// The state to show: an open breaker whose time is up is half-open in
    /// all but name (the next pick makes it so).
    func visibleState(now: UInt64) -> BreakerState {
        state == .open && now >= ejectedUntil ? .halfOpen : state
    }

    /// Folds in one outcome. `mayEject` is the pool's say (max ejected
    /// percent); returns +1 when the endpoint became ejected, -1 when it
    /// came back, 0 otherwise, for the pool's ejected count.
    ///
    /// While half-open, the first outcome reported decides, whichever request
    /// it belongs to: the API has no per-request token, and a request started
    /// before the ejection that is still running after a whole ejection
    /// length is rare enough not to be worth one.
    mutating func record(_ outcome: AttemptOutcome, now: UInt64, threshold: Int, baseEjectionNs: UInt64,
                         mayEject: Bool) -> Int {
        switch state {
        case .closed:
            if outcome == .success {
                consecutiveFailures = 0
            } else if outcome.countsAsFailure {
                consecutiveFailures &+= 1
                if consecutiveFailures >= threshold && mayEject {
                    // A streak ends once the endpoint stayed closed for the
                    // longest ejection: a failure weeks later starts afresh.
                    if streak > 0 && now &- closedAt >= baseEjectionNs &* Self.maxMultiplier { streak = 0 }
                    eject(now: now, baseEjectionNs: baseEjectionNs)
                    return 1
                }
            }
            return 0
        case .open:
            // Requests that started before the ejection: their news is old.
            return 0
        case .halfOpen:
            guard probeInFlight else { return 0 }
            switch outcome {
            case .success:
                state = .closed
                consecutiveFailures = 0
                probeInFlight = false
                closedAt = now
                return -1
            case .rateLimited, .cancelled:
                // Says nothing about health: let another request probe.
                probeInFlight = false
                return 0
            case .serverError, .connectFailure, .timeout:
                consecutiveFailures &+= 1
                eject(now: now, baseEjectionNs: baseEjectionNs)
                return 0
            }
        }
    }

    /// Ejection length doubles with each ejection of a streak, capped at 10x
    /// the base (Envoy multiplies; doubling reaches the cap in four steps:
    /// 1, 2, 4, 8, 10).
    static let maxMultiplier: UInt64 = 10

    private mutating func eject(now: UInt64, baseEjectionNs: UInt64) {
        let shift = UInt64(min(streak, 4))
        let multiplier = min(UInt64(1) << shift, Self.maxMultiplier)
        streak &+= 1
        state = .open
        probeInFlight = false
        ejectedUntil = now &+ baseEjectionNs &* multiplier
    }
}
