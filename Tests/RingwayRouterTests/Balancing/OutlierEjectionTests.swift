import Testing
@testable import RingwayRouter

@Suite struct OutlierEjectionTests {
    static func outlier(failures: Int = 3, ejectionMs: Int = 1_000, maxPercent: Int = 50) -> OutlierConfig {
        var config = OutlierConfig()
        config.consecutiveFailures = failures
        config.ejectionMs = ejectionMs
        config.maxEjectedPercent = maxPercent
        return config
    }

    @Test func ejectsAfterConsecutiveFailures() {
        let pool = BalancerFixture(.roundRobin, count: 4, outlier: Self.outlier())
        pool.report(1, .serverError, times: 2, now: second)
        #expect(pool.balancer.snapshot(1, now: second).breaker == .closed)
        #expect(pool.balancer.snapshot(1, now: second).consecutiveFailures == 2)
        pool.report(1, .timeout, times: 1, now: second)
        let snapshot = pool.balancer.snapshot(1, now: second)
        #expect(snapshot.breaker == .open)
        #expect(snapshot.ejectedUntil == 2 * second)
        #expect(snapshot.failures == 3)
        #expect(!pool.picks(12, now: second + 1).contains(1))
    }

    @Test func successResetsTheCount() {
        let pool = BalancerFixture(.roundRobin, count: 4, outlier: Self.outlier())
        pool.report(1, .connectFailure, times: 2, now: second)
        pool.report(1, .success, times: 1, now: second)
        pool.report(1, .connectFailure, times: 2, now: second)
        #expect(pool.balancer.snapshot(1, now: second).breaker == .closed)
    }

    @Test func rateLimitsNeverEject() {
        let pool = BalancerFixture(.roundRobin, count: 4, outlier: Self.outlier())
        pool.report(1, .rateLimited, times: 20, now: second)
        let snapshot = pool.balancer.snapshot(1, now: second)
        #expect(snapshot.breaker == .closed)
        #expect(snapshot.rateLimited == 20)
        #expect(snapshot.failures == 0)
    }

    @Test func halfOpenAllowsExactlyOneProbe() {
        let pool = BalancerFixture(.roundRobin, count: 2, outlier: Self.outlier())
        pool.report(1, .serverError, times: 3, now: second)
        // Ejection (1 s) is over at 2 s: the next pick that lands on 1 is its probe.
        let now = 2 * second
        #expect(pool.balancer.snapshot(1, now: now).breaker == .halfOpen)
        let picks = pool.picks(10, now: now)
        #expect(picks.filter { $0 == 1 }.count == 1, "\(picks)")
        #expect(pool.balancer.snapshot(1, now: now).breaker == .halfOpen)
    }

    @Test func probeSuccessClosesTheBreaker() {
        let pool = BalancerFixture(.roundRobin, count: 2, outlier: Self.outlier())
        pool.report(1, .serverError, times: 3, now: second)
        let now = 2 * second
        while pool.balancer.pick(affinityKey: 0, now: now, exclude: TriedEndpoints()) != 1 {}
        pool.balancer.requestStarted(1)
        pool.balancer.requestFinished(1, outcome: .success, latencyNs: 1, now: now)
        #expect(pool.balancer.snapshot(1, now: now).breaker == .closed)
        #expect(pool.balancer.snapshot(1, now: now).consecutiveFailures == 0)
        #expect(pool.picks(4, now: now).filter { $0 == 1 }.count == 2)
    }

    @Test func probeFailureReopensForTwiceAsLong() {
        let pool = BalancerFixture(.roundRobin, count: 2, outlier: Self.outlier())
        pool.report(1, .serverError, times: 3, now: second)
        var now = 2 * second
        var expectedLength = second
        // Lengths double: 1, 2, 4, 8, then the 10x cap.
        for multiplier: UInt64 in [2, 4, 8, 10, 10] {
            #expect(pool.balancer.snapshot(1, now: now).ejectedUntil == now)
            while pool.balancer.pick(affinityKey: 0, now: now, exclude: TriedEndpoints()) != 1 {}
            pool.balancer.requestStarted(1)
            pool.balancer.requestFinished(1, outcome: .connectFailure, latencyNs: 1, now: now)
            let snapshot = pool.balancer.snapshot(1, now: now)
            #expect(snapshot.breaker == .open)
            #expect(snapshot.ejectedUntil == now + multiplier * second)
            expectedLength = multiplier * second
            now += expectedLength
        }
    }

    @Test func streakResetsAfterAQuietPeriod() {
        let pool = BalancerFixture(.roundRobin, count: 2, outlier: Self.outlier())
        pool.report(1, .serverError, times: 3, now: second)              // 1 s
        pool.probe(1, .serverError, now: 2 * second)                      // fails → 2 s
        pool.probe(1, .success, now: 4 * second)                          // passes
        #expect(pool.balancer.snapshot(1, now: 4 * second).breaker == .closed)
        // Soon after: the streak continues (4 s).
        pool.report(1, .serverError, times: 3, now: 5 * second)
        #expect(pool.balancer.snapshot(1, now: 5 * second).ejectedUntil == 9 * second)
        pool.probe(1, .success, now: 9 * second)
        // Over 10 base lengths later: back to 1 s.
        pool.report(1, .serverError, times: 3, now: 30 * second)
        #expect(pool.balancer.snapshot(1, now: 30 * second).ejectedUntil == 31 * second)
    }

    @Test func requestsFromBeforeTheEjectionDoNotCloseIt() {
        let pool = BalancerFixture(.roundRobin, count: 2, outlier: Self.outlier())
        for _ in 0..<4 { pool.balancer.requestStarted(1) }
        for _ in 0..<3 { pool.balancer.requestFinished(1, outcome: .serverError, latencyNs: 1, now: second) }
        pool.balancer.requestFinished(1, outcome: .success, latencyNs: 1, now: second + 1)
        #expect(pool.balancer.snapshot(1, now: second + 1).breaker == .open)
    }

    @Test func neverEjectsMoreThanMaxPercent() {
        let pool = BalancerFixture(.roundRobin, count: 4, outlier: Self.outlier(maxPercent: 50))
        for endpoint in 0..<4 { pool.report(endpoint, .serverError, times: 3, now: second) }
        let states = (0..<4).map { pool.balancer.snapshot($0, now: second).breaker }
        #expect(states == [.open, .open, .closed, .closed])
        // The ones held back still count their failures, and eject once room frees up.
        #expect(pool.balancer.snapshot(2, now: second).consecutiveFailures == 3)
        #expect(Set(pool.picks(8, now: second)) == [2, 3])
    }

    @Test func singleEndpointPoolIsNeverEjectedAtFiftyPercent() {
        let pool = BalancerFixture(.roundRobin, count: 1, outlier: Self.outlier())
        pool.report(0, .serverError, times: 10, now: second)
        #expect(pool.balancer.snapshot(0, now: second).breaker == .closed)
    }

    @Test func panicPicksTheLeastRecentlyFailed() {
        let pool = BalancerFixture(.p2cEWMA, count: 3, outlier: Self.outlier(ejectionMs: 60_000, maxPercent: 100))
        pool.report(0, .serverError, times: 3, now: 3 * second)
        pool.report(1, .serverError, times: 3, now: 1 * second)
        pool.report(2, .serverError, times: 3, now: 2 * second)
        #expect(pool.picks(3, now: 3 * second) == [1, 1, 1])
        // Health checks failing everywhere: same rule.
        var tried = TriedEndpoints()
        tried.insert(1)
        #expect(pool.balancer.pick(affinityKey: 0, now: 3 * second, exclude: tried) == 2)
    }

    @Test func panicWhenAllUnhealthyPrefersNeverFailed() {
        let pool = BalancerFixture(.leastOutstanding, count: 3)
        for state in pool.shared { state.setHealthy(false) }
        pool.report(0, .serverError, times: 1, now: second)
        #expect(pool.balancer.pick(affinityKey: 0, now: second, exclude: TriedEndpoints()) == 1)
    }

    @Test func lostProbeIsGivenUpAfterOneEjectionLength() {
        let pool = BalancerFixture(.roundRobin, count: 2, outlier: Self.outlier())
        pool.report(1, .serverError, times: 3, now: second)
        let now = 2 * second
        while pool.balancer.pick(affinityKey: 0, now: now, exclude: TriedEndpoints()) != 1 {}
        // The outcome never comes back; a second later another probe may go.
        #expect(!pool.picks(4, now: now + second / 2).contains(1))
        #expect(pool.picks(4, now: now + second).contains(1))
    }
}
