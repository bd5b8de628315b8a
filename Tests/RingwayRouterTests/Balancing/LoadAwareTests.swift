import Testing
@testable import RingwayRouter

@Suite struct LoadAwareTests {
    @Test func steersAwayFromABigQueue() {
        let pool = BalancerFixture(.loadAware, count: 3)
        pool.shared[0].recordLoad(waiting: 20, running: 8, kvCacheUsage: 0.9, at: second)
        pool.shared[1].recordLoad(waiting: 0, running: 10, kvCacheUsage: 0.5, at: second)
        pool.shared[2].recordLoad(waiting: 2, running: 8, kvCacheUsage: 0.6, at: second)
        // Scores: 0 → 80 + 8 + 7.2; 1 → 10 + 4; 2 → 8 + 8 + 4.8.
        #expect(pool.picks(1, now: 2 * second) == [1])
    }

    @Test func localOutstandingPreventsHerding() {
        let pool = BalancerFixture(.loadAware, count: 2)
        pool.shared[0].recordLoad(waiting: 0, running: 4, kvCacheUsage: 0, at: second)
        pool.shared[1].recordLoad(waiting: 0, running: 6, kvCacheUsage: 0, at: second)
        var placed: [Int] = []
        for _ in 0..<6 {
            let endpoint = pool.picks(1, now: second)[0]
            pool.balancer.requestStarted(endpoint)
            placed.append(endpoint)
        }
        // 0 takes two to even up, then they alternate.
        #expect(placed.prefix(2) == [0, 0])
        #expect(placed.filter { $0 == 1 }.count == 2)
    }

    @Test func kvCacheUsageBreaksEvenQueues() {
        let pool = BalancerFixture(.loadAware, count: 2)
        pool.shared[0].recordLoad(waiting: 1, running: 5, kvCacheUsage: 0.95, at: second)
        pool.shared[1].recordLoad(waiting: 1, running: 5, kvCacheUsage: 0.20, at: second)
        #expect(pool.picks(1, now: second) == [1])
    }

    @Test func staleFiguresFallBackToLeastOutstanding() {
        let pool = BalancerFixture(.loadAware, count: 2)
        pool.shared[0].recordLoad(waiting: 50, running: 8, kvCacheUsage: 1, at: second)
        pool.shared[1].recordLoad(waiting: 0, running: 0, kvCacheUsage: 0, at: second)
        pool.balancer.requestStarted(1)
        #expect(pool.picks(1, now: 2 * second) == [1])
        // Ten seconds on, the scrapes are stale: the local count decides.
        #expect(pool.picks(1, now: 11 * second) == [0])
    }

    @Test func missingFiguresFallBackToLeastOutstanding() {
        let pool = BalancerFixture(.loadAware, count: 3)
        pool.shared[0].recordLoad(waiting: 0, running: 0, kvCacheUsage: 0, at: second)
        pool.shared[2].recordLoad(waiting: 0, running: 0, kvCacheUsage: 0, at: second)
        pool.balancer.requestStarted(0)
        pool.balancer.requestStarted(2)
        // Endpoint 1 was never scraped: no steering by figures at all.
        #expect(pool.picks(1, now: second) == [1])
    }
}
