import Testing
@testable import RingwayProxy
@testable import RingwayRouter

/// The schedule with a fake clock: who is probed, when, and what a reload keeps.
@Suite struct ProbeScheduleTests {
    typealias F = ProbeFixtures
    static let a = EndpointAddress.http(host: "10.0.0.1", port: 8000)
    static let b = EndpointAddress.http(host: "10.0.0.2", port: 8000)
    static let now: UInt64 = 1_000_000_000_000

    @Test func onlyPoolsThatAskAreProbedHTTPSIncluded() {
        let table = F.table([
            F.pool("checked", [Self.a], health: F.health()),
            F.pool("plain", [.http(host: "10.0.0.9", port: 1)]),
            F.pool("scraped", [.https(host: "10.0.0.3", port: 443), .unix(path: "/run/v.sock")], metrics: F.metrics()),
        ])
        var random = FixedRandom(state: 1)
        let schedule = ProbeSchedule(table: table, previous: nil, now: Self.now, random: &random)
        #expect(schedule.tasks.map(\.url) == ["http://10.0.0.1:8000", "https://10.0.0.3:443", "unix:/run/v.sock"])
        #expect(schedule.tasks.map(\.isHealthCheck) == [true, false, false])
        // Without contexts (none given here) an https task has no TLS side
        // and its probe says so; the prober passes the workers' contexts.
        #expect(schedule.tasks.map { $0.tls != nil } == [false, false, false])
        let withContexts = ProbeSchedule(table: table, previous: nil, now: Self.now, random: &random,
                                         tlsContexts: UpstreamTLSContexts())
        #expect(withContexts.tasks.map { $0.tls?.serverName } == [nil, "10.0.0.3", nil])
    }

    @Test func firstProbesAreSpreadOverATenthOfTheInterval() {
        let table = F.table([F.pool("p", (1...20).map { .http(host: "10.0.0.\($0)", port: 80) }, health: F.health(intervalMs: 1000))])
        var random = FixedRandom(state: 2)
        let schedule = ProbeSchedule(table: table, previous: nil, now: Self.now, random: &random)
        let offsets = schedule.tasks.map { $0.dueNs - Self.now }
        #expect(offsets.allSatisfy { $0 <= 100_000_000 })
        #expect(Set(offsets).count > 10, "first probes should not all coincide")
        #expect(schedule.dueTask(at: Self.now + 100_000_000) != nil)
        #expect(schedule.dueTask(at: Self.now - 1) == nil)
    }

    @Test func rescheduleJitterStaysWithinTenPercent() {
        let table = F.table([F.pool("p", [Self.a], health: F.health(intervalMs: 1000))])
        var random = FixedRandom(state: 3)
        var schedule = ProbeSchedule(table: table, previous: nil, now: Self.now, random: &random)
        var gaps: Set<UInt64> = []
        for round in 0..<200 {
            let finished = Self.now + UInt64(round) * 2_000_000_000
            schedule.finish(0, kind: schedule.tasks[0].kind, finishedAt: finished, random: &random)
            let gap = schedule.tasks[0].dueNs - finished
            #expect(gap >= 900_000_000 && gap <= 1_100_000_000)
            gaps.insert(gap)
        }
        #expect(gaps.count > 150)
    }

    @Test func theMostOverdueTaskGoesFirst() {
        let table = F.table([F.pool("p", [Self.a, Self.b], health: F.health(intervalMs: 1000))])
        var random = FixedRandom(state: 4)
        let schedule = ProbeSchedule(table: table, previous: nil, now: Self.now, random: &random)
        let earliest = schedule.tasks.indices.min { schedule.tasks[$0].dueNs < schedule.tasks[$1].dueNs }
        #expect(schedule.dueTask(at: Self.now + 1_000_000_000) == earliest)
        #expect(schedule.nextDueNs == schedule.tasks[earliest!].dueNs)
    }

    @Test func aReloadKeepsTheStreakOfAnEndpointWhoseStateIsReused() throws {
        let check = F.health(intervalMs: 1000, unhealthyAfter: 3)
        let first = F.table([F.pool("p", [Self.a], health: check)])
        var random = FixedRandom(state: 5)
        var schedule = ProbeSchedule(table: first, previous: nil, now: Self.now, random: &random)
        var tracker = HealthTracker(check)
        _ = tracker.record(success: false)
        schedule.finish(0, kind: .health(check, tracker), finishedAt: Self.now, random: &random)
        let due = schedule.tasks[0].dueNs

        // Same URL: the compiler lends the same SharedEndpointState; b is new.
        let second = F.table([F.pool("p", [Self.a, Self.b], health: check)], version: 2, previous: first)
        #expect(second.endpoints[0].shared === first.endpoints[0].shared)
        let next = ProbeSchedule(table: second, previous: schedule, now: Self.now + 5, random: &random)
        guard case .health(_, let kept) = next.tasks[0].kind, case .health(_, let fresh) = next.tasks[1].kind else {
            Issue.record("expected two health tasks")
            return
        }
        #expect(kept.streak == 1)
        #expect(next.tasks[0].dueNs == due)
        #expect(fresh.streak == 0)
    }

    @Test func changedSettingsStartAFreshTrackerFromTheSharedVerdict() {
        let first = F.table([F.pool("p", [Self.a], health: F.health(intervalMs: 1000))])
        var random = FixedRandom(state: 6)
        let schedule = ProbeSchedule(table: first, previous: nil, now: Self.now, random: &random)
        first.endpoints[0].shared.setHealthy(false)
        let second = F.table([F.pool("p", [Self.a], health: F.health(intervalMs: 500))], version: 2, previous: first)
        let next = ProbeSchedule(table: second, previous: schedule, now: Self.now, random: &random)
        guard case .health(let check, let tracker) = next.tasks[0].kind else {
            Issue.record("expected a health task")
            return
        }
        #expect(check.intervalMs == 500)
        #expect(!tracker.isHealthy, "a down endpoint stays down until it passes healthy_after checks")
        #expect(next.tasks[0].dueNs <= Self.now + 50_000_000)
    }
}
