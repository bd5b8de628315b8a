import Testing
@testable import RingwayRouter

/// A pool of `count` endpoints with its shared states, for driving a
/// `PoolBalancer` with a fake clock.
struct BalancerFixture {
    let shared: [SharedEndpointState]
    let balancer: PoolBalancer

    init(_ strategy: BalancingStrategy, weights: [Int], outlier: OutlierConfig = OutlierConfig(), seed: UInt64 = 42,
         ringKeys: [UInt64]? = nil) {
        shared = weights.map { _ in SharedEndpointState() }
        balancer = PoolBalancer(strategy: strategy, weights: weights, outlier: outlier, shared: shared, seed: seed,
                                ringKeys: ringKeys)
    }

    init(_ strategy: BalancingStrategy, count: Int, outlier: OutlierConfig = OutlierConfig(), seed: UInt64 = 42) {
        self.init(strategy, weights: Array(repeating: 1, count: count), outlier: outlier, seed: seed)
    }

    /// pick + started + finished at once, as a request that completes at `now`.
    @discardableResult
    func complete(now: UInt64, outcome: AttemptOutcome = .success, latencyNs: UInt64 = 1_000_000,
                  key: UInt64 = 0) -> Int? {
        guard let endpoint = balancer.pick(affinityKey: key, now: now, exclude: TriedEndpoints()) else { return nil }
        balancer.requestStarted(endpoint)
        balancer.requestFinished(endpoint, outcome: outcome, latencyNs: latencyNs, now: now)
        return endpoint
    }

    /// Reports `count` outcomes on `endpoint` directly.
    func report(_ endpoint: Int, _ outcome: AttemptOutcome, times count: Int, now: UInt64, latencyNs: UInt64 = 1_000_000) {
        for _ in 0..<count {
            balancer.requestStarted(endpoint)
            balancer.requestFinished(endpoint, outcome: outcome, latencyNs: latencyNs, now: now)
        }
    }

    /// Picks until `endpoint` comes up (claiming its half-open probe), then
    /// reports `outcome` for it.
    func probe(_ endpoint: Int, _ outcome: AttemptOutcome, now: UInt64) {
        for _ in 0..<1000 where balancer.pick(affinityKey: 0, now: now, exclude: TriedEndpoints()) == endpoint {
            balancer.requestStarted(endpoint)
            balancer.requestFinished(endpoint, outcome: outcome, latencyNs: 1, now: now)
            return
        }
        Issue.record("endpoint \(endpoint) was never picked")
    }

    func picks(_ count: Int, now: UInt64 = 1, key: UInt64 = 0) -> [Int] {
        (0..<count).map { _ in balancer.pick(affinityKey: key, now: now, exclude: TriedEndpoints())! }
    }
}

let second: UInt64 = 1_000_000_000
let millisecond: UInt64 = 1_000_000
