import RingwayIO

/// Bytes received from a client that the request state machine has not
/// consumed yet, in arrival order. Each entry keeps one reference on its
/// provided buffer (`bid >= 0`).
struct InboundQueue {
    private var entries: [Segment] = []
    private var head = 0
    private(set) var bytes = 0

    init() { entries.reserveCapacity(8) }

    var isEmpty: Bool { head == entries.count }
    var entryCount: Int { entries.count - head }
    var first: Segment? { isEmpty ? nil : entries[head] }

    func entry(_ i: Int) -> Segment { entries[head + i] }

    mutating func append(_ s: Segment) {
        if head > 0 && head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        }
        entries.append(s)
        bytes += s.length
    }

    /// Consumes `n` bytes from the front, releasing buffers that empty.
    mutating func consume(_ n: Int, buffers: ProvidedBuffers) {
        var left = n
        bytes -= n
        while left > 0 {
            let s = entries[head]
            if left >= s.length {
                left -= s.length
                if s.bid >= 0 { buffers.release(UInt16(s.bid)) }
                head += 1
            } else {
                entries[head].base += left
                entries[head].length -= left
                left = 0
            }
        }
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        }
    }

    mutating func discard(buffers: ProvidedBuffers) {
        consume(bytes, buffers: buffers)
    }
}
