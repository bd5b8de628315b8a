import Synchronization

/// The simulated engine's capacity, shared by every worker: `slots`
/// generations run at once, up to `queueLimit` more wait, the rest are
/// refused. Its two counters are the `vllm:num_requests_running` and
/// `vllm:num_requests_waiting` gauges, so a router scraping `/metrics` sees
/// exactly the load the mock is simulating.
///
/// Waiting requests live in their worker's own FIFO; a slot freed on one
/// worker is taken by a waiter on another at that worker's next loop turn
/// (at most one timer tick later), so there is no cross-thread wake-up.
final class CapacityGate: Sendable {
    /// 0 = unlimited.
    let slots: Int
    let queueLimit: Int
    let running = Atomic<Int>(0)
    let waiting = Atomic<Int>(0)

    init(slots: Int, queueLimit: Int?) {
        self.slots = slots
        self.queueLimit = queueLimit ?? Int.max
    }

    /// Takes a slot if one is free.
    @inline(__always) func tryAcquire() -> Bool {
        if slots == 0 {
            running.wrappingAdd(1, ordering: .relaxed)
            return true
        }
        var current = running.load(ordering: .relaxed)
        while current < slots {
            let (exchanged, original) = running.compareExchange(
                expected: current, desired: current &+ 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    @inline(__always) func release() { running.wrappingSubtract(1, ordering: .relaxed) }

    /// Takes a place in the queue if there is room.
    func tryEnqueue() -> Bool {
        var current = waiting.load(ordering: .relaxed)
        while current < queueLimit {
            let (exchanged, original) = waiting.compareExchange(
                expected: current, desired: current &+ 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func leaveQueue() { waiting.wrappingSubtract(1, ordering: .relaxed) }

    /// The simulated KV-cache fill: the share of slots in use (0 when unlimited).
    var kvCacheUsage: Double {
        slots == 0 ? 0 : min(1, Double(running.load(ordering: .relaxed)) / Double(slots))
    }
}
