import Testing
@testable import RingwayIO

@Suite struct TimerWheelTests {
    let ms: UInt64 = 1_000_000

    @Test func firesAtOrAfterDeadlineWithinOneTick() {
        var wheel = TimerWheel(tickNanoseconds: 10 * ms, bucketCount: 64, now: 0)
        wheel.schedule(3, at: 55 * ms)
        var expired: [Int32] = []
        wheel.advance(to: 50 * ms, expired: &expired)
        #expect(expired.isEmpty)
        wheel.advance(to: 60 * ms, expired: &expired)
        #expect(expired == [3])
        #expect(wheel.count == 0)
        #expect(!wheel.isScheduled(3))
    }

    @Test func cancelAndRescheduleMoveTheSingleEntry() {
        var wheel = TimerWheel(tickNanoseconds: 10 * ms, bucketCount: 64, now: 0)
        wheel.schedule(1, at: 30 * ms)
        wheel.schedule(2, at: 30 * ms)
        wheel.cancel(1)
        wheel.schedule(2, at: 90 * ms)
        #expect(wheel.count == 1)
        var expired: [Int32] = []
        wheel.advance(to: 80 * ms, expired: &expired)
        #expect(expired.isEmpty)
        wheel.advance(to: 100 * ms, expired: &expired)
        #expect(expired == [2])
    }

    @Test func deadlinesBeyondOneRevolutionWaitForTheirRound() {
        var wheel = TimerWheel(tickNanoseconds: 10 * ms, bucketCount: 8, now: 0)  // 80 ms revolution
        wheel.schedule(7, at: 250 * ms)
        var expired: [Int32] = []
        var now: UInt64 = 0
        while now < 240 * ms {
            now += 10 * ms
            wheel.advance(to: now, expired: &expired)
        }
        #expect(expired.isEmpty)
        wheel.advance(to: 260 * ms, expired: &expired)
        #expect(expired == [7])
    }

    @Test func aLongStallSweepsEveryBucketOnce() {
        var wheel = TimerWheel(tickNanoseconds: 10 * ms, bucketCount: 16, now: 0)
        for id in Int32(0)..<100 { wheel.schedule(id, at: UInt64(id + 1) * 7 * ms) }
        var expired: [Int32] = []
        wheel.advance(to: 10_000 * ms, expired: &expired)
        #expect(Set(expired) == Set(0..<100))
        #expect(expired.count == 100)
        #expect(wheel.count == 0)
    }

    @Test func pastDeadlineFiresOnTheNextSweep() {
        var wheel = TimerWheel(tickNanoseconds: 10 * ms, bucketCount: 16, now: 100 * ms)
        wheel.schedule(4, at: 5 * ms)
        var expired: [Int32] = []
        wheel.advance(to: 110 * ms, expired: &expired)
        #expect(expired == [4])
    }

    @Test func sleepBudgetIsIdleWhenEmptyAndATickOtherwise() {
        var wheel = TimerWheel(tickNanoseconds: 10 * ms, bucketCount: 16, now: 0)
        #expect(wheel.sleepBudget(now: 3 * ms, idle: 500 * ms) == 500 * ms)
        wheel.schedule(0, at: 400 * ms)
        #expect(wheel.sleepBudget(now: 3 * ms, idle: 500 * ms) == 7 * ms)
    }
}

@Suite struct UserDataTests {
    @Test func roundTripsEveryField() {
        let ud = UserData(tag: 0xAB, slot: 123_456, generation: 0xFF_FFFF)
        #expect(ud.tag == 0xAB)
        #expect(ud.slot == 123_456)
        #expect(ud.generation == 0xFF_FFFF)
        let wrapped = UserData(tag: 1, slot: 0, generation: 0x100_0001)
        #expect(wrapped.generation == 1)
    }

    /// A slot reused 2^24 times must still match its own completions.
    @Test func generationsWrapWithinWhatUserDataCarries() {
        let last = UInt32(0xFF_FFFF)
        let next = UserData.nextGeneration(after: last)
        #expect(next == 0)
        #expect(UserData(tag: 2, slot: 5, generation: next).generation == next)
    }
}
