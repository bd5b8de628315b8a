import Testing
@testable import RingwayBenchCore

@Suite struct ArrivalScheduleTests {
    @Test func uniformArrivalsAreEvenlySpacedWithoutDrift() {
        var schedule = ArrivalSchedule(start: 1_000, ratePerSecond: 3, poisson: false, seed: 0)
        var times: [UInt64] = []
        for _ in 0..<4 {
            times.append(schedule.next)
            schedule.advance()
        }
        #expect(times == [1_000, 333_334_333, 666_667_666, 1_000_001_000])
        for _ in 0..<2_999_996 { schedule.advance() }
        #expect(schedule.next == 1_000 + 1_000_000_000_000_000)  // 3 M arrivals at 3/s: exactly 1 M seconds
    }

    @Test func poissonArrivalsAreReproducibleAndHaveTheRequestedRate() {
        var first = ArrivalSchedule(start: 0, ratePerSecond: 10_000, poisson: true, seed: 99)
        var second = ArrivalSchedule(start: 0, ratePerSecond: 10_000, poisson: true, seed: 99)
        var gaps: [Double] = []
        var previous: UInt64 = 0
        for _ in 0..<100_000 {
            #expect(first.next == second.next)
            gaps.append(Double(first.next - previous))
            previous = first.next
            first.advance()
            second.advance()
        }
        let mean = gaps.reduce(0, +) / Double(gaps.count)
        #expect(abs(mean - 100_000) / 100_000 < 0.01)  // 100 µs mean gap
        // Exponential gaps: the coefficient of variation is 1 (uniform spacing would be 0).
        let variance = gaps.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(gaps.count)
        #expect(abs(variance.squareRoot() / mean - 1) < 0.02)
        var other = ArrivalSchedule(start: 0, ratePerSecond: 10_000, poisson: true, seed: 100)
        other.advance()
        var again = ArrivalSchedule(start: 0, ratePerSecond: 10_000, poisson: true, seed: 99)
        again.advance()
        #expect(other.next != again.next)
    }
}
