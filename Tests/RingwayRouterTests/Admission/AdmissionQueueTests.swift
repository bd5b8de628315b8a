import Testing
@testable import RingwayRouter

@Suite struct AdmissionQueueTests {
    static func waiter(_ slot: Int32) -> Waiter { Waiter(slot: slot, generation: 1) }

    @Test func highestClassFirstFIFOWithin() {
        var queue = AdmissionQueue(classes: 4, maxWaiting: 8)
        let order: [(Int32, Int)] = [(1, 2), (2, 3), (3, 0), (4, 2), (5, 0), (6, 1)]
        for (slot, priority) in order {
            let result = queue.enqueue(Self.waiter(slot), priority: priority, deadline: 100)
            #expect(result == .queued)
        }
        #expect(queue.count == 6 && queue.count(ofClass: 2) == 2)
        var popped: [Int32] = []
        while let next = queue.popNext() { popped.append(next.slot) }
        #expect(popped == [3, 5, 6, 1, 4, 2])
        #expect(queue.count == 0)
    }

    @Test func fullQueueShedsTheNewestLowest() {
        var queue = AdmissionQueue(classes: 4, maxWaiting: 3)
        _ = queue.enqueue(Self.waiter(1), priority: 3, deadline: 100)
        _ = queue.enqueue(Self.waiter(2), priority: 3, deadline: 100)
        _ = queue.enqueue(Self.waiter(3), priority: 2, deadline: 100)
        let critical = queue.enqueue(Self.waiter(4), priority: 0, deadline: 100)
        #expect(critical == .queuedAfterShedding(Self.waiter(2)))
        let normal = queue.enqueue(Self.waiter(5), priority: 2, deadline: 100)
        #expect(normal == .queuedAfterShedding(Self.waiter(1)))
        // Nothing below class 2 is left: another normal one is refused.
        let another = queue.enqueue(Self.waiter(6), priority: 2, deadline: 100)
        #expect(another == .rejected)
        let low = queue.enqueue(Self.waiter(7), priority: 3, deadline: 100)
        #expect(low == .rejected)
        let high = queue.enqueue(Self.waiter(8), priority: 1, deadline: 100)
        #expect(high == .queuedAfterShedding(Self.waiter(5)))
        var popped: [Int32] = []
        while let next = queue.popNext() { popped.append(next.slot) }
        #expect(popped == [4, 8, 3])
    }

    @Test func expiryPopsTheOverdueOnly() {
        var queue = AdmissionQueue(classes: 2, maxWaiting: 8)
        _ = queue.enqueue(Self.waiter(1), priority: 1, deadline: 50)
        _ = queue.enqueue(Self.waiter(2), priority: 0, deadline: 80)
        _ = queue.enqueue(Self.waiter(3), priority: 1, deadline: 60)
        _ = queue.enqueue(Self.waiter(4), priority: 0, deadline: 200)
        #expect(queue.earliestDeadline == 50)
        #expect(queue.popExpired(now: 40) == nil)
        var expired: [Int32] = []
        while let waiter = queue.popExpired(now: 100) { expired.append(waiter.slot) }
        #expect(expired == [1, 3, 2])
        #expect(queue.count == 1 && queue.popNext()?.slot == 4)
        #expect(queue.earliestDeadline == nil)
    }

    @Test func removalKeepsOrder() {
        var queue = AdmissionQueue(classes: 1, maxWaiting: 4)
        for slot: Int32 in 1...4 { _ = queue.enqueue(Self.waiter(slot), priority: 0, deadline: 1) }
        let removed = queue.remove(Self.waiter(2))
        let stale = queue.remove(Waiter(slot: 3, generation: 2))
        #expect(removed && !stale)
        #expect(queue.count == 3)
        _ = queue.enqueue(Self.waiter(5), priority: 0, deadline: 1)
        var popped: [Int32] = []
        while let next = queue.popNext() { popped.append(next.slot) }
        #expect(popped == [1, 3, 4, 5])
    }

    @Test func ringsWrapAround() {
        var queue = AdmissionQueue(classes: 2, maxWaiting: 3)
        var next: Int32 = 0
        var popped: [Int32] = []
        for _ in 0..<10 {
            for _ in 0..<2 {
                next += 1
                _ = queue.enqueue(Self.waiter(next), priority: 1, deadline: 1)
            }
            for _ in 0..<2 { popped.append(queue.popNext()!.slot) }
        }
        #expect(popped == Array(1...20))
    }

    @Test func outOfRangePriorityIsClamped() {
        var queue = AdmissionQueue(classes: 2, maxWaiting: 2)
        _ = queue.enqueue(Self.waiter(1), priority: 9, deadline: 1)
        _ = queue.enqueue(Self.waiter(2), priority: -3, deadline: 1)
        #expect(queue.count(ofClass: 1) == 1 && queue.count(ofClass: 0) == 1)
        #expect(queue.popNext()?.slot == 2)
    }

    @Test func zeroCapacityRejects() {
        var queue = AdmissionQueue(classes: 2, maxWaiting: 0)
        let result = queue.enqueue(Self.waiter(1), priority: 0, deadline: 1)
        #expect(result == .rejected)
    }
}
