/// Chooses an endpoint of one pool for each attempt and learns from how the
/// attempts went. One per pool per worker thread and deliberately not
/// thread-safe: each worker balances on its own counts (outstanding, EWMA,
/// breakers), which needs no atomics on the hot path; what workers share —
/// health verdicts and scraped load — comes in through `SharedEndpointState`.
///
/// Every decision takes the time as `now` (monotonic ns) so tests drive it
/// with a fake clock; nothing here reads a clock, allocates, or does I/O
/// after `init`.
///
/// The protocol with the proxy: `pick` → `requestStarted` → (attempt) →
/// `requestFinished`. A `pick` of an endpoint whose ejection has run out
/// makes that attempt the endpoint's single half-open probe, so its outcome
/// must be reported.
///
/// **Panic.** When every endpoint not already tried is unhealthy or ejected,
/// `pick` still returns one — the least recently failed — instead of nil, as
/// Envoy's panic threshold does: a pool whose endpoints all look broken is
/// more often the victim of a shared blip (a deploy, a network hiccup, a
/// health check that is too strict) than truly down, and refusing every
/// request would turn that blip into a full outage. nil means only that
/// every endpoint was tried already.
public final class PoolBalancer {
    public let strategy: BalancingStrategy
    public let outlier: OutlierConfig
    public let endpointCount: Int
    /// The whole pool's latency average (same decay as an endpoint's), for
    /// the cost and latency objectives. 0 until the first sample.
    public private(set) var ewmaLatencyNs: UInt64 = 0

    let shared: [SharedEndpointState]
    let stats: UnsafeMutableBufferPointer<EndpointStats>
    var random: SeededRandom
    /// Sum of `outstanding` over all endpoints.
    var totalOutstanding = 0
    /// Endpoints whose breaker is open or half-open.
    var ejectedCount = 0
    /// Where the next tie-breaking scan starts (least outstanding, load aware).
    var cursor = 0
    let ring: HashRing?
    let baseEjectionNs: UInt64
    /// Most endpoints that may be ejected at once (max_ejected_percent).
    let maxEjected: Int

    /// An endpoint's latency figure older than this is forgotten (treated as
    /// unknown): an endpoint that was slow once is not starved forever.
    static let ewmaForgetNs: UInt64 = 10_000_000_000
    /// Scraped load older than this is not steered by (`load_aware`): five
    /// default scrape intervals, so one or two late scrapes do not flap.
    static let loadMaxAgeNs: UInt64 = 5_000_000_000

    /// - Parameters:
    ///   - weights: per endpoint, 1...1000 (values below 1 count as 1).
    ///   - shared: per endpoint, the state the prober writes.
    ///   - seed: this worker's PRNG seed (p2c's random choices).
    ///   - ringKeys: stable identities for `prefix_affinity`'s ring (see
    ///     `AffinityHash.ringKey(url:)`); nil = the endpoint's index, which
    ///     is stable only while the endpoint list changes at its end.
    public init(strategy: BalancingStrategy, weights: [Int], outlier: OutlierConfig, shared: [SharedEndpointState],
                seed: UInt64, ringKeys: [UInt64]? = nil) {
        precondition(weights.count == shared.count, "one weight per endpoint")
        precondition(ringKeys == nil || ringKeys!.count == weights.count, "one ring key per endpoint")
        self.strategy = strategy
        self.outlier = outlier
        self.shared = shared
        endpointCount = weights.count
        stats = .allocate(capacity: weights.count)
        for (index, weight) in weights.enumerated() {
            (stats.baseAddress! + index).initialize(to: EndpointStats(weight: max(weight, 1)))
        }
        random = SeededRandom(seed: seed)
        baseEjectionNs = UInt64(max(outlier.ejectionMs, 0)) &* 1_000_000
        maxEjected = weights.count * min(max(outlier.maxEjectedPercent, 0), 100) / 100
        if case .prefixAffinity = strategy {
            ring = HashRing(weights: weights.map { max($0, 1) },
                            ringKeys: ringKeys ?? (0..<weights.count).map { mixBits(UInt64($0) &+ 0x5bd1_e995) })
        } else {
            ring = nil
        }
    }

    deinit {
        stats.deinitialize()
        stats.deallocate()
    }

    // MARK: Deciding

    /// An endpoint index for the next attempt, or nil when every endpoint is
    /// in `exclude`. `affinityKey` matters only to `prefix_affinity` (see
    /// `AffinityHash.hash`).
    public func pick(affinityKey: UInt64, now: UInt64, exclude: TriedEndpoints) -> Int? {
        if endpointCount == 0 { return nil }
        let chosen: Int?
        switch strategy {
        case .roundRobin: chosen = pickSmoothWeighted(now: now, exclude: exclude)
        case .leastOutstanding: chosen = pickLeastOutstanding(now: now, exclude: exclude)
        case .p2cEWMA: chosen = pickPowerOfTwo(now: now, exclude: exclude)
        case .prefixAffinity(_, let loadFactor):
            chosen = pickAffinity(key: affinityKey, loadFactor: loadFactor, now: now, exclude: exclude)
        case .loadAware: chosen = pickLoadAware(now: now, exclude: exclude)
        }
        if let chosen {
            stats[chosen].breaker.noteChosen(now: now)
            return chosen
        }
        return pickInPanic(exclude: exclude)
    }

    /// Healthy, not ejected (or due for its probe), and not yet tried.
    @inline(__always)
    func isUsable(_ endpoint: Int, now: UInt64, exclude: TriedEndpoints) -> Bool {
        !exclude.contains(endpoint)
            && stats[endpoint].breaker.admits(now: now, probeTimeoutNs: baseEjectionNs)
            && shared[endpoint].isHealthy
    }

    /// Every endpoint looks broken: the untried one that failed longest ago
    /// (never = 0 = first). Breakers are left as they are — this attempt is
    /// not a probe, only a refusal to give up.
    func pickInPanic(exclude: TriedEndpoints) -> Int? {
        var best: Int?
        var bestFailure = UInt64.max
        for endpoint in 0..<endpointCount where !exclude.contains(endpoint) {
            if stats[endpoint].lastFailureAt < bestFailure {
                bestFailure = stats[endpoint].lastFailureAt
                best = endpoint
            }
        }
        return best
    }

    /// The latency to judge an endpoint by: its own figure when recent, else
    /// the pool's (a neutral prior: the new or idle endpoint is assumed
    /// average, so it gets traffic and a real figure), else 1 ns (nothing is
    /// known anywhere, so only outstanding counts matter).
    @inline(__always)
    func latencyEstimate(_ endpoint: Int, now: UInt64) -> UInt64 {
        let own = stats[endpoint].ewmaNs
        if own != 0 && now &- stats[endpoint].ewmaUpdatedAt <= Self.ewmaForgetNs { return own }
        return max(ewmaLatencyNs, 1)
    }

    // MARK: Learning

    public func requestStarted(_ endpoint: Int) {
        precondition(endpoint >= 0 && endpoint < endpointCount, "endpoint index out of range")
        stats[endpoint].outstanding &+= 1
        stats[endpoint].requests &+= 1
        totalOutstanding &+= 1
    }

    /// - Parameter latencyNs: what the proxy measures for every attempt
    ///   alike (time to the response head). It feeds the averages only for
    ///   successes and timeouts: a refused connect or a quick 500 is fast
    ///   because nothing was done, and would make a broken endpoint look
    ///   like the fastest one.
    public func requestFinished(_ endpoint: Int, outcome: AttemptOutcome, latencyNs: UInt64, now: UInt64) {
        precondition(endpoint >= 0 && endpoint < endpointCount, "endpoint index out of range")
        if stats[endpoint].outstanding > 0 {
            stats[endpoint].outstanding &-= 1
            totalOutstanding &-= 1
        }
        if outcome == .success || outcome == .timeout {
            stats[endpoint].ewmaNs = ewmaUpdate(stats[endpoint].ewmaNs, sample: latencyNs)
            stats[endpoint].ewmaUpdatedAt = now
            ewmaLatencyNs = ewmaUpdate(ewmaLatencyNs, sample: latencyNs)
        }
        if outcome.countsAsFailure {
            stats[endpoint].failures &+= 1
            stats[endpoint].lastFailureAt = max(now, 1)
        } else if outcome == .rateLimited {
            stats[endpoint].rateLimited &+= 1
        }
        ejectedCount &+= stats[endpoint].breaker.record(
            outcome, now: now, threshold: max(outlier.consecutiveFailures, 1), baseEjectionNs: baseEjectionNs,
            mayEject: ejectedCount < maxEjected)
    }

    // MARK: Showing

    public func snapshot(_ endpoint: Int, now: UInt64) -> EndpointSnapshot {
        precondition(endpoint >= 0 && endpoint < endpointCount, "endpoint index out of range")
        let own = stats[endpoint]
        return EndpointSnapshot(
            outstanding: own.outstanding, ewmaLatencyNs: own.ewmaNs,
            consecutiveFailures: own.breaker.consecutiveFailures, breaker: own.breaker.visibleState(now: now),
            ejectedUntil: own.breaker.ejectedUntil, healthy: shared[endpoint].isHealthy,
            requests: own.requests, failures: own.failures, rateLimited: own.rateLimited)
    }
}
