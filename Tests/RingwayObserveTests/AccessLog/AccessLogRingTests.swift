import Foundation
import Testing
@testable import RingwayObserve

@Suite("Access log ring")
struct AccessLogRingTests {
    @Test func capacityIsAPowerOfTwo() {
        #expect(AccessLogRing(capacity: 4096).capacity == 4096)
        #expect(AccessLogRing(capacity: 1000).capacity == 1024)
        #expect(AccessLogRing(capacity: 0).capacity == 2)
    }

    @Test func fullRingDropsAndCountsWithoutBlocking() {
        let ring = AccessLogRing(capacity: 8)
        let started = Date()
        var accepted = 0
        for i in 0..<20 where ring.push(AccessLogFixture.record(sequence: UInt64(i))) { accepted += 1 }
        #expect(Date().timeIntervalSince(started) < 0.5)
        #expect(accepted == 8)
        #expect(ring.dropped == 12)
        #expect(ring.pending == 8)
        // The oldest eight survive, in order; after draining there is room again.
        var seen: [UInt64] = []
        ring.drain { seen.append($0.bytesIn) }
        #expect(seen == Array(0..<8))
        #expect(ring.push(AccessLogFixture.record(sequence: 100)))
        #expect(ring.dropped == 12)
        ring.drain(limit: 0) { _ in Issue.record("limit 0 handed a record") }
        var last: UInt64 = 0
        #expect(ring.drain { last = $0.bytesIn } == 1)
        #expect(last == 100)
        #expect(ring.drain { _ in } == 0)
    }

    @Test func wrapsAroundManyTimes() {
        let ring = AccessLogRing(capacity: 4)
        var next: UInt64 = 0
        var expected: UInt64 = 0
        for round in 0..<1000 {
            for _ in 0..<(round % 4 + 1) {
                #expect(ring.push(AccessLogFixture.record(sequence: next)))
                next += 1
            }
            ring.drain(limit: round % 3 + 2) { r in
                #expect(r.bytesIn == expected)
                expected += 1
            }
            ring.drain { r in
                #expect(r.bytesIn == expected)
                expected += 1
            }
        }
        #expect(expected == next && ring.dropped == 0)
    }

    /// One producer and one consumer thread per ring, four rings at once: the
    /// consumer sees every accepted record exactly once and in order, and
    /// accepted + dropped == pushed.
    @Test(.timeLimit(.minutes(1)))
    func concurrentProducerAndConsumer() {
        let rings = (0..<4).map { _ in AccessLogRing(capacity: 256) }
        let perRing = 200_000
        let failures = AccessLogLocked(0)
        let received = AccessLogLocked([Int](repeating: 0, count: rings.count))
        let producersDone = rings.map { _ in AccessLogLocked(false) }
        let group = DispatchGroup()
        let started = Date()
        for (index, ring) in rings.enumerated() {
            // Dedicated threads: a consumer must never wait for a pool slot
            // held by a producer.
            group.enter()
            Thread {
                var r = AccessLogFixture.record()
                for i in 0..<perRing {
                    r.bytesIn = UInt64(i)
                    ring.push(r)
                }
                producersDone[index].withLock { $0 = true }
                group.leave()
            }.start()
            group.enter()
            Thread {
                var last: Int64 = -1
                var count = 0
                var finished = false
                while true {
                    let n = ring.drain { r in
                        if Int64(r.bytesIn) <= last { failures.withLock { $0 += 1 } }
                        last = Int64(r.bytesIn)
                        count += 1
                    }
                    if n == 0 {
                        // Empty after the producer finished: nothing more can come.
                        if finished { break }
                        finished = producersDone[index].withLock { $0 }
                        sched_yield()
                    }
                }
                received.withLock { $0[index] = count }
                group.leave()
            }.start()
        }
        group.wait()
        #expect(Date().timeIntervalSince(started) < 3)
        #expect(failures.withLock { $0 } == 0)
        for (index, ring) in rings.enumerated() {
            let count = received.withLock { $0[index] }
            #expect(count > 0)
            #expect(UInt64(count) + ring.dropped == UInt64(perRing), "ring \(index): \(count) + \(ring.dropped)")
        }
    }
}

/// A value shared by test threads.
final class AccessLogLocked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
