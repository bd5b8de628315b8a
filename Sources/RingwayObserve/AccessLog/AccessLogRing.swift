import Synchronization

/// One worker's queue of finished requests for the access log writer: a
/// single-producer (the worker) single-consumer (the writer thread) ring of
/// preallocated records.
///
///     slots:  [ . . . R R R R R . . . ]      indices grow forever; slot = index & mask
///                     ^         ^
///                   head       tail          head == tail: empty
///          (writer reads here)  (worker writes here)   tail - head == capacity: full
///
/// The worker fills `slots[tail]` then publishes it with a releasing store of
/// `tail`; the writer acquires `tail`, reads up to it, then releases `head`
/// so the worker may reuse those slots. When the ring is full the record is
/// dropped and counted: the event loop never waits for the log.
///
/// The worker keeps its own copy of `tail` and a possibly stale copy of
/// `head`, so a push touches the shared `head` only when the ring looks
/// full. `head` and `tail` are not padded apart: the writer touches them once
/// per drain (every few ms), too rarely for false sharing to cost anything.
public final class AccessLogRing: @unchecked Sendable {
    // @unchecked: `slots` is shared memory whose hand-over is ordered by the
    // head/tail atomics above; the plain vars below are touched only by the
    // producer thread.
    public let capacity: Int
    @usableFromInline let mask: Int
    @usableFromInline let slots: UnsafeMutablePointer<AccessLogRecord>
    @usableFromInline let head = Atomic<Int>(0)
    @usableFromInline let tail = Atomic<Int>(0)
    @usableFromInline let droppedCount = Atomic<UInt64>(0)
    @usableFromInline var producerTail = 0
    @usableFromInline var producerCachedHead = 0

    /// `capacity` is rounded up to a power of two (at least 2).
    public init(capacity: Int = 4096) {
        var size = 2
        while size < capacity { size <<= 1 }
        self.capacity = size
        mask = size - 1
        slots = .allocate(capacity: size)
        slots.initialize(repeating: AccessLogRecord(), count: size)
    }

    deinit {
        slots.deallocate()
    }

    /// Producer side: copies `record` into the ring, or drops it and returns
    /// false when the ring is full. Never blocks, never allocates.
    @inlinable
    @discardableResult
    public func push(_ record: borrowing AccessLogRecord) -> Bool {
        let t = producerTail
        if t &- producerCachedHead == capacity {
            producerCachedHead = head.load(ordering: .acquiring)
            if t &- producerCachedHead == capacity {
                // Only this thread adds to the counter, so load + store is
                // enough; the writer reads it relaxed.
                droppedCount.store(droppedCount.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
                return false
            }
        }
        slots[t & mask] = copy record
        producerTail = t &+ 1
        tail.store(t &+ 1, ordering: .releasing)
        return true
    }

    /// Consumer side: hands every published record to `body`, oldest first,
    /// up to `limit`, then frees their slots. Returns how many it handed.
    @discardableResult
    public func drain(limit: Int = .max, _ body: (borrowing AccessLogRecord) -> Void) -> Int {
        let h = head.load(ordering: .relaxed)
        let t = tail.load(ordering: .acquiring)
        let n = min(t &- h, limit)
        guard n > 0 else { return 0 }
        var i = h
        while i != h &+ n {
            body(slots[i & mask])
            i &+= 1
        }
        head.store(i, ordering: .releasing)
        return n
    }

    /// Records dropped because the ring was full.
    public var dropped: UInt64 { droppedCount.load(ordering: .relaxed) }

    /// Records waiting for the writer (approximate from any other thread).
    public var pending: Int { tail.load(ordering: .acquiring) &- head.load(ordering: .acquiring) }
}
