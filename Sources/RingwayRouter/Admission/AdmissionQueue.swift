/// Requests waiting for a pool slot on one worker, by priority class.
///
/// One ring buffer per class, each with room for the whole queue (a single
/// class may hold every waiter), all in one array allocated by `init`:
/// nothing is allocated afterwards.
///
/// ```
///  class 0 (critical) │ h ▶ w w w . . . . │   popNext takes the head of the
///  class 1 (high)     │ . . . . . . . . . │   highest non-empty class;
///  class 2 (normal)   │ . . h ▶ w w . . . │   shedding takes the tail (newest)
///  class 3 (low)      │ w w . . . . . h ▶ │   of the lowest one.
/// ```
///
/// Shedding evicts the newest low-priority waiter, not the oldest: the
/// oldest has waited longest and is closest to being served, so evicting it
/// wastes the most of the client's time.
public struct AdmissionQueue {
    private struct Entry {
        var waiter: Waiter
        var deadline: UInt64
    }

    public let classes: Int
    public let maxWaiting: Int
    private var entries: [Entry]
    private var heads: [Int]
    private var counts: [Int]
    public private(set) var count = 0

    public init(classes: Int, maxWaiting: Int) {
        self.classes = max(classes, 1)
        self.maxWaiting = max(maxWaiting, 0)
        entries = Array(repeating: Entry(waiter: Waiter(slot: -1, generation: 0), deadline: 0),
                        count: self.classes * self.maxWaiting)
        heads = Array(repeating: 0, count: self.classes)
        counts = Array(repeating: 0, count: self.classes)
    }

    public func count(ofClass priority: Int) -> Int {
        counts[clamp(priority)]
    }

    /// Queues `waiter` in class `priority` (0 = highest; out-of-range
    /// classes are clamped) until `deadline` (monotonic ns).
    public mutating func enqueue(_ waiter: Waiter, priority: Int, deadline: UInt64) -> EnqueueResult {
        let priority = clamp(priority)
        guard maxWaiting > 0 else { return .rejected }
        if count < maxWaiting {
            append(Entry(waiter: waiter, deadline: deadline), to: priority)
            return .queued
        }
        var lowest = classes - 1
        while lowest > priority && counts[lowest] == 0 { lowest -= 1 }
        guard lowest > priority else { return .rejected }
        let shed = removeTail(of: lowest)
        append(Entry(waiter: waiter, deadline: deadline), to: priority)
        return .queuedAfterShedding(shed.waiter)
    }

    /// The next waiter to serve: the oldest of the highest class present.
    public mutating func popNext() -> Waiter? {
        for priority in 0..<classes where counts[priority] > 0 {
            return removeHead(of: priority).waiter
        }
        return nil
    }

    /// Forgets `waiter` (its client went away); false when it was not queued.
    public mutating func remove(_ waiter: Waiter) -> Bool {
        for priority in 0..<classes {
            for position in 0..<counts[priority] where entries[index(priority, position)].waiter == waiter {
                removeEntry(of: priority, at: position)
                return true
            }
        }
        return false
    }

    /// One waiter whose deadline has passed (the earliest such), removed;
    /// nil when none has. Called on timer ticks until it returns nil. Scans
    /// every waiter rather than only the heads, so it stays right even if
    /// deadlines within a class are not in arrival order; a tick's scan of
    /// at most `maxWaiting` entries costs nothing beside the tick.
    public mutating func popExpired(now: UInt64) -> Waiter? {
        var found: (priority: Int, position: Int)?
        var earliest = UInt64.max
        for priority in 0..<classes {
            for position in 0..<counts[priority] {
                let deadline = entries[index(priority, position)].deadline
                if deadline <= now && deadline < earliest {
                    earliest = deadline
                    found = (priority, position)
                }
            }
        }
        guard let found else { return nil }
        return removeEntry(of: found.priority, at: found.position).waiter
    }

    /// The earliest deadline of any waiter, for arming a timer; nil when empty.
    public var earliestDeadline: UInt64? {
        var earliest: UInt64?
        for priority in 0..<classes {
            for position in 0..<counts[priority] {
                let deadline = entries[index(priority, position)].deadline
                if earliest == nil || deadline < earliest! { earliest = deadline }
            }
        }
        return earliest
    }

    // MARK: Ring arithmetic

    @inline(__always)
    private func clamp(_ priority: Int) -> Int { min(max(priority, 0), classes - 1) }

    /// The slot in `entries` of the `position`-th oldest waiter of a class.
    @inline(__always)
    private func index(_ priority: Int, _ position: Int) -> Int {
        var offset = heads[priority] + position
        if offset >= maxWaiting { offset -= maxWaiting }
        return priority * maxWaiting + offset
    }

    private mutating func append(_ entry: Entry, to priority: Int) {
        entries[index(priority, counts[priority])] = entry
        counts[priority] += 1
        count += 1
    }

    private mutating func removeHead(of priority: Int) -> Entry {
        let entry = entries[index(priority, 0)]
        heads[priority] = heads[priority] + 1 == maxWaiting ? 0 : heads[priority] + 1
        counts[priority] -= 1
        count -= 1
        return entry
    }

    private mutating func removeTail(of priority: Int) -> Entry {
        let entry = entries[index(priority, counts[priority] - 1)]
        counts[priority] -= 1
        count -= 1
        return entry
    }

    /// Removes from the middle by shifting the newer entries one place
    /// towards the head, keeping arrival order.
    @discardableResult
    private mutating func removeEntry(of priority: Int, at position: Int) -> Entry {
        let entry = entries[index(priority, position)]
        for later in position..<(counts[priority] - 1) {
            entries[index(priority, later)] = entries[index(priority, later + 1)]
        }
        counts[priority] -= 1
        count -= 1
        return entry
    }
}
