import Testing
@testable import RingwayRouter

@Suite struct DistributionTests {
    @Test func smoothWeightedRoundRobinFollowsNginxSequence() {
        let pool = BalancerFixture(.roundRobin, weights: [5, 1, 1])
        // nginx's documented sequence for weights 5, 1, 1: a a b a c a a.
        #expect(pool.picks(14) == [0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0])
    }

    @Test func roundRobinWithEqualWeightsCycles() {
        let pool = BalancerFixture(.roundRobin, count: 3)
        #expect(pool.picks(6) == [0, 1, 2, 0, 1, 2])
    }

    @Test func roundRobinSkipsExcludedEndpoints() {
        let pool = BalancerFixture(.roundRobin, count: 3)
        var tried = TriedEndpoints()
        tried.insert(1)
        let picks = (0..<4).map { _ in pool.balancer.pick(affinityKey: 0, now: 1, exclude: tried)! }
        #expect(!picks.contains(1))
        #expect(Set(picks) == [0, 2])
    }

    @Test func leastOutstandingPrefersTheIdleEndpoint() {
        let pool = BalancerFixture(.leastOutstanding, count: 3)
        pool.balancer.requestStarted(0)
        pool.balancer.requestStarted(0)
        pool.balancer.requestStarted(2)
        #expect(pool.picks(1) == [1])
        pool.balancer.requestStarted(1)
        pool.balancer.requestStarted(1)
        // Now 0 and 1 have two, 2 has one.
        #expect(pool.picks(1) == [2])
    }

    @Test func leastOutstandingBreaksTiesRoundRobin() {
        let pool = BalancerFixture(.leastOutstanding, count: 4)
        #expect(pool.picks(8) == [0, 1, 2, 3, 0, 1, 2, 3])
    }

    @Test func leastOutstandingDividesByWeight() {
        let pool = BalancerFixture(.leastOutstanding, weights: [3, 1])
        // 2 outstanding on weight 3 (0.67 each) beats 1 on weight 1.
        pool.balancer.requestStarted(0)
        pool.balancer.requestStarted(0)
        pool.balancer.requestStarted(1)
        #expect(pool.picks(1) == [0])
    }

    @Test func powerOfTwoSpreadsOverAllEndpoints() {
        let pool = BalancerFixture(.p2cEWMA, count: 8)
        var counts = [Int](repeating: 0, count: 8)
        for _ in 0..<8000 { counts[pool.complete(now: second)!] += 1 }
        // All alike: each gets about 1000.
        for count in counts { #expect(count > 700 && count < 1300, "\(counts)") }
    }

    @Test func powerOfTwoPrefersTheFasterEndpoint() {
        let pool = BalancerFixture(.p2cEWMA, count: 4)
        // Endpoint 3 answers in 10 ms, the others in 100 ms.
        for endpoint in 0..<4 {
            pool.report(endpoint, .success, times: 5, now: second, latencyNs: endpoint == 3 ? 10 * millisecond : 100 * millisecond)
        }
        var counts = [Int](repeating: 0, count: 4)
        for _ in 0..<4000 {
            let endpoint = pool.balancer.pick(affinityKey: 0, now: second, exclude: TriedEndpoints())!
            counts[endpoint] += 1
        }
        // Endpoint 3 wins every pair it is in: 1 - (3/4 x 2/3) = half of all picks.
        #expect(counts[3] > 1800 && counts[3] < 2200, "\(counts)")
    }

    @Test func powerOfTwoPenalisesOutstandingRequests() {
        let pool = BalancerFixture(.p2cEWMA, count: 2)
        pool.report(0, .success, times: 3, now: second, latencyNs: 10 * millisecond)
        pool.report(1, .success, times: 3, now: second, latencyNs: 30 * millisecond)
        #expect(pool.picks(1, now: second) == [0])
        // 10 ms x (3 + 1) = 40 > 30 ms x 1.
        for _ in 0..<3 { pool.balancer.requestStarted(0) }
        #expect(pool.picks(1, now: second) == [1])
    }

    @Test func powerOfTwoForgetsStaleLatency() {
        let pool = BalancerFixture(.p2cEWMA, count: 2)
        pool.report(0, .success, times: 3, now: second, latencyNs: 500 * millisecond)
        pool.report(1, .success, times: 20, now: second, latencyNs: 10 * millisecond)
        #expect(pool.picks(1, now: second) == [1])
        // 20 s later both are forgotten: equal priors, outstanding decides.
        pool.balancer.requestStarted(1)
        #expect(pool.picks(1, now: 21 * second) == [0])
    }

    @Test func powerOfTwoWithOnlyOneUsableEndpoint() {
        let pool = BalancerFixture(.p2cEWMA, count: 5)
        for endpoint in [0, 1, 3, 4] { pool.shared[endpoint].setHealthy(false) }
        #expect(Set(pool.picks(20)) == [2])
    }

    @Test func sameSeedSameSequence() {
        let first = BalancerFixture(.p2cEWMA, count: 16, seed: 7)
        let second = BalancerFixture(.p2cEWMA, count: 16, seed: 7)
        #expect(first.picks(50) == second.picks(50))
    }

    @Test func unhealthyEndpointsAreSkipped() {
        for strategy: BalancingStrategy in [.roundRobin, .leastOutstanding, .p2cEWMA, .loadAware,
                                            .prefixAffinity(prefixBytes: 256, loadFactor: 1.25)] {
            let pool = BalancerFixture(strategy, count: 3)
            pool.shared[1].setHealthy(false)
            let picks = (0..<30).map { pool.balancer.pick(affinityKey: UInt64($0) &* 0x9e37_79b9, now: 1, exclude: TriedEndpoints())! }
            #expect(!picks.contains(1), "\(strategy)")
        }
    }

    @Test func allExcludedGivesNil() {
        let pool = BalancerFixture(.roundRobin, count: 2)
        var tried = TriedEndpoints()
        tried.insert(0)
        tried.insert(1)
        #expect(pool.balancer.pick(affinityKey: 0, now: 1, exclude: tried) == nil)
    }

    @Test func poolLatencyAverage() {
        let pool = BalancerFixture(.roundRobin, count: 2)
        #expect(pool.balancer.ewmaLatencyNs == 0)
        pool.report(0, .success, times: 1, now: 1, latencyNs: 100)
        #expect(pool.balancer.ewmaLatencyNs == 100)
        pool.report(1, .success, times: 1, now: 1, latencyNs: 200)
        #expect(pool.balancer.ewmaLatencyNs == 110)
        // Connect failures are fast for the wrong reason: not averaged.
        pool.report(1, .connectFailure, times: 1, now: 1, latencyNs: 1)
        #expect(pool.balancer.ewmaLatencyNs == 110)
    }

    @Test func triedEndpointsIsASmallSet() {
        var tried = TriedEndpoints()
        #expect(tried.isEmpty && !tried.contains(0) && !tried.contains(-1))
        for index in 0..<8 {
            let inserted = tried.insert(index * 3)
            #expect(inserted)
        }
        let again = tried.insert(3)  // already there
        let ninth = tried.insert(100)
        #expect(again && !ninth)
        #expect(tried.count == 8)
        #expect(tried.contains(21) && !tried.contains(22) && !tried.contains(100))
    }
}

@Suite struct EmptyPoolTests {
    @Test func anEmptyPoolPicksNothing() {
        for strategy: BalancingStrategy in [.roundRobin, .leastOutstanding, .p2cEWMA, .loadAware,
                                            .prefixAffinity(prefixBytes: 16, loadFactor: 1.25)] {
            let balancer = PoolBalancer(strategy: strategy, weights: [], outlier: OutlierConfig(), shared: [], seed: 1)
            #expect(balancer.pick(affinityKey: 1, now: 1, exclude: TriedEndpoints()) == nil)
        }
    }
}
