/// A hashed timer wheel: one entry per timer id (a connection slot), O(1)
/// schedule and cancel, and one kernel wake-up per tick for the whole worker
/// instead of one kernel timer per connection.
///
/// Entries live in intrusive doubly linked lists, one per bucket, threaded
/// through flat arrays indexed by timer id, so scheduling never allocates once
/// the arrays have grown to the peak id. A deadline more than one revolution
/// away stays in its bucket and is skipped until its round comes.
public struct TimerWheel {
    public let tickNanoseconds: UInt64
    @usableFromInline let mask: Int
    @usableFromInline var bucketHead: [Int32]
    @usableFromInline var next: [Int32] = []
    @usableFromInline var prev: [Int32] = []
    @usableFromInline var deadline: [UInt64] = []
    @usableFromInline var bucketOf: [Int32] = []
    /// The last tick whose bucket has been swept.
    @usableFromInline var sweptTick: UInt64
    @usableFromInline var _count = 0
    public var count: Int { _count }

    /// - Parameters:
    ///   - tickNanoseconds: timer resolution; deadlines fire up to one tick late.
    ///   - bucketCount: rounded up to a power of two.
    ///   - now: the clock reading the wheel starts from.
    public init(tickNanoseconds: UInt64, bucketCount: Int, now: UInt64) {
        precondition(tickNanoseconds > 0 && bucketCount > 0)
        var buckets = 1
        while buckets < bucketCount { buckets <<= 1 }
        self.tickNanoseconds = tickNanoseconds
        mask = buckets - 1
        bucketHead = Array(repeating: -1, count: buckets)
        sweptTick = now / tickNanoseconds
    }

    @inlinable public func isScheduled(_ id: Int32) -> Bool {
        Int(id) < bucketOf.count && bucketOf[Int(id)] >= 0
    }

    @inlinable public func deadline(of id: Int32) -> UInt64? {
        isScheduled(id) ? deadline[Int(id)] : nil
    }

    /// Schedules (or moves) timer `id` to fire at `at` nanoseconds.
    @inlinable public mutating func schedule(_ id: Int32, at: UInt64) {
        grow(toInclude: id)
        if bucketOf[Int(id)] >= 0 { unlink(id) }
        // The bucket of the first tick boundary at or after the deadline, so
        // a sweep of that bucket always finds it due; a deadline already in
        // the past goes to the next bucket to be swept.
        let tick = max((at + tickNanoseconds - 1) / tickNanoseconds, sweptTick + 1)
        let bucket = Int(tick) & mask
        deadline[Int(id)] = at
        bucketOf[Int(id)] = Int32(bucket)
        let head = bucketHead[bucket]
        next[Int(id)] = head
        prev[Int(id)] = -1
        if head >= 0 { prev[Int(head)] = id }
        bucketHead[bucket] = id
        _count += 1
    }

    @inlinable public mutating func cancel(_ id: Int32) {
        if isScheduled(id) { unlink(id) }
    }

    /// Sweeps every bucket up to `now`, appending the ids whose deadline has
    /// passed to `expired` (they are unscheduled first, so a handler may
    /// reschedule them).
    @inlinable public mutating func advance(to now: UInt64, expired: inout [Int32]) {
        let nowTick = now / tickNanoseconds
        guard nowTick > sweptTick else { return }
        // After a long stall every bucket is due: sweep each once.
        let steps = min(nowTick - sweptTick, UInt64(mask + 1))
        var tick = nowTick - steps + 1
        while tick <= nowTick {
            var id = bucketHead[Int(tick) & mask]
            while id >= 0 {
                let following = next[Int(id)]
                if deadline[Int(id)] <= now {
                    unlink(id)
                    expired.append(id)
                }
                id = following
            }
            tick += 1
        }
        sweptTick = nowTick
    }

    /// How long the event loop may sleep before the next sweep is due.
    @inlinable public func sleepBudget(now: UInt64, idle: UInt64) -> UInt64 {
        guard count > 0 else { return idle }
        let nextTickStart = (now / tickNanoseconds + 1) * tickNanoseconds
        return nextTickStart - now
    }

    @usableFromInline mutating func unlink(_ id: Int32) {
        let i = Int(id)
        let bucket = Int(bucketOf[i])
        let n = next[i], p = prev[i]
        if p >= 0 { next[Int(p)] = n } else { bucketHead[bucket] = n }
        if n >= 0 { prev[Int(n)] = p }
        bucketOf[i] = -1
        _count -= 1
    }

    @usableFromInline mutating func grow(toInclude id: Int32) {
        let needed = Int(id) + 1
        guard needed > bucketOf.count else { return }
        let newCount = max(needed, bucketOf.count * 2, 64)
        let extra = newCount - bucketOf.count
        next.append(contentsOf: repeatElement(-1, count: extra))
        prev.append(contentsOf: repeatElement(-1, count: extra))
        deadline.append(contentsOf: repeatElement(0, count: extra))
        bucketOf.append(contentsOf: repeatElement(-1, count: extra))
    }
}
