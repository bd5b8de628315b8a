import Synchronization

/// The last `capacity` request lines ("METHOD TARGET") one worker saw, for
/// the fixture's `/__requests` and `/__aborted` control endpoints.
///
/// Storage is allocated once, so recording costs a short copy and an
/// uncontended lock (only a control request on another worker ever competes
/// for it). Lines longer than `lineBytes` are cut; only the most recent
/// `capacity` lines are kept, so a benchmark's millions of requests cost no
/// memory.
final class RequestLog: @unchecked Sendable {
    struct Entry {
        var stamp: UInt64
        var sequence: Int
        var worker: Int
        var line: [UInt8]
    }

    let capacity: Int
    let lineBytes: Int
    let worker: Int
    /// Guards everything below; the pointers themselves never change.
    private let lock = Mutex(())
    private let bytes: UnsafeMutablePointer<UInt8>
    private let lengths: UnsafeMutablePointer<Int>
    private let stamps: UnsafeMutablePointer<UInt64>
    private var recorded = 0
    private var clearedAt = 0

    init(capacity: Int, lineBytes: Int, worker: Int) {
        self.capacity = capacity
        self.lineBytes = lineBytes
        self.worker = worker
        bytes = .allocate(capacity: capacity * lineBytes)
        lengths = .allocate(capacity: capacity)
        stamps = .allocate(capacity: capacity)
    }

    deinit {
        bytes.deallocate()
        lengths.deallocate()
        stamps.deallocate()
    }

    /// Appends one line: `first`, a space, then `second` (if any).
    func record(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer, stamp: UInt64) {
        lock.withLock { _ in
            let index = recorded % capacity
            let to = UnsafeMutableRawPointer(bytes + index * lineBytes)
            let a = min(first.count, lineBytes)
            if a > 0 { to.copyMemory(from: first.baseAddress!, byteCount: a) }
            var n = a
            if second.count > 0 && n < lineBytes {
                to.storeBytes(of: UInt8(ascii: " "), toByteOffset: n, as: UInt8.self)
                n += 1
                let b = min(second.count, lineBytes - n)
                if b > 0 { (to + n).copyMemory(from: second.baseAddress!, byteCount: b) }
                n += b
            }
            lengths[index] = n
            stamps[index] = stamp
            recorded += 1
        }
    }

    /// The lines recorded since start or the last `clear()` that are still kept.
    func entries() -> [Entry] {
        lock.withLock { _ in
            var out: [Entry] = []
            let first = max(clearedAt, recorded - capacity)
            for sequence in first..<recorded {
                let index = sequence % capacity
                let line = Array(UnsafeBufferPointer(start: bytes + index * lineBytes, count: lengths[index]))
                out.append(Entry(stamp: stamps[index], sequence: sequence, worker: worker, line: line))
            }
            return out
        }
    }

    func clear() { lock.withLock { _ in clearedAt = recorded } }

    /// Every worker's entries in arrival order.
    static func merged(_ logs: [RequestLog]) -> [Entry] {
        logs.flatMap { $0.entries() }.sorted {
            ($0.stamp, $0.worker, $0.sequence) < ($1.stamp, $1.worker, $1.sequence)
        }
    }
}
