import Synchronization

/// A pool's `max_concurrency`: requests in flight to it from all workers
/// together. One atomic counter shared by every worker — the only way a
/// limit across threads can be exact — touched twice per request (acquire,
/// release), never in a loop that waits: a worker that cannot acquire
/// queues the request in its own `AdmissionQueue` instead.
public final class PoolConcurrency: Sendable {
    public let limit: Int
    private let inFlightCount = Atomic<Int>(0)

    public init(limit: Int) {
        self.limit = max(limit, 0)
    }

    public var inFlight: Int { inFlightCount.load(ordering: .relaxed) }

    /// Takes a slot if one is free. Compare-and-swap rather than add-then-
    /// check, so a burst of failed attempts never pushes the count past the
    /// limit where another worker's successful check would see it.
    public func tryAcquire() -> Bool {
        var current = inFlightCount.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = inFlightCount.weakCompareExchange(
                expected: current, desired: current &+ 1, successOrdering: .acquiring, failureOrdering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Gives a slot back; each successful `tryAcquire` must be released once.
    public func release() {
        let previous = inFlightCount.subtract(1, ordering: .releasing).oldValue
        precondition(previous > 0, "PoolConcurrency released more often than acquired")
    }
}
