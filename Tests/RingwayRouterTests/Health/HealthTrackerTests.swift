import Testing
@testable import RingwayRouter

@Suite struct HealthTrackerTests {
    static func config(unhealthyAfter: Int, healthyAfter: Int) -> HealthCheckConfig {
        var config = HealthCheckConfig()
        config.unhealthyAfter = unhealthyAfter
        config.healthyAfter = healthyAfter
        return config
    }

    @Test func transitionsNeedConsecutiveChecks() {
        var tracker = HealthTracker(Self.config(unhealthyAfter: 3, healthyAfter: 2))
        #expect(tracker.isHealthy)
        let sequence: [(Bool, Bool, Bool)] = [
            // (check passed, changed, healthy after)
            (false, false, true), (false, false, true), (true, false, true),   // a pass breaks the run
            (false, false, true), (false, false, true), (false, true, false),  // third in a row
            (false, false, false), (true, false, false), (false, false, false),
            (true, false, false), (true, true, true), (true, false, true),
        ]
        for (index, (passed, changed, healthy)) in sequence.enumerated() {
            let didChange = tracker.record(success: passed)
            #expect(didChange == changed && tracker.isHealthy == healthy, "step \(index)")
        }
    }

    @Test func thresholdsOfOneFlipAtOnce() {
        var tracker = HealthTracker(Self.config(unhealthyAfter: 0, healthyAfter: 1), initiallyHealthy: false)
        let up = tracker.record(success: true)
        let down = tracker.record(success: false)
        #expect(up && down && !tracker.isHealthy)
    }
}
