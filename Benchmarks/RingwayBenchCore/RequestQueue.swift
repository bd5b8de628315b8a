/// Bounded FIFO of intended send times for open-loop requests that came due while
/// every connection was busy. A ring over storage allocated once: no allocation
/// when requests queue, and a full queue refuses instead of growing.
struct RequestQueue {
    private let storage: UnsafeMutablePointer<UInt64>
    let capacity: Int
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        storage = .allocate(capacity: Swift.max(capacity, 1))
    }

    func deallocate() { storage.deallocate() }

    var isEmpty: Bool { count == 0 }

    var first: UInt64? { count == 0 ? nil : storage[head] }

    /// Appends `intendedAt`; false when the queue is full.
    mutating func push(_ intendedAt: UInt64) -> Bool {
        guard count < capacity else { return false }
        var tail = head + count
        if tail >= capacity { tail -= capacity }
        storage[tail] = intendedAt
        count += 1
        return true
    }

    mutating func pop() -> UInt64? {
        guard count > 0 else { return nil }
        let value = storage[head]
        head += 1
        if head == capacity { head = 0 }
        count -= 1
        return value
    }
}
