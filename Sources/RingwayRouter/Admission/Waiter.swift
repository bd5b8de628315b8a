/// A request waiting for a pool slot, named by its connection slot and that
/// slot's generation (as `user_data` is), so a waiter whose connection has
/// been closed and reused is never woken by mistake.
public struct Waiter: Sendable, Equatable {
    public var slot: Int32
    public var generation: UInt32

    public init(slot: Int32, generation: UInt32) {
        self.slot = slot
        self.generation = generation
    }
}

public enum EnqueueResult: Sendable, Equatable {
    case queued
    /// The queue is full and nothing waiting has a lower priority: the
    /// newcomer is refused (503).
    case rejected
    /// The newcomer took the place of this waiter, the newest of the lowest
    /// priority class present, which must now be refused (503).
    case queuedAfterShedding(Waiter)
}
