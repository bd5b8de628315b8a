import CRingwayEngine
import Glibc
import RingwayIO

/// A slice of bytes waiting to be sent. `bid >= 0` when the bytes live in a
/// provided receive buffer (the relay's zero-copy case): the segment holds a
/// reference on that buffer until its bytes have left.
/// Immutable once queued; the static ones are shared read-only.
struct Segment {
    var base: UnsafeRawPointer
    var length: Int
    var bid: Int32
}

/// The bytes queued for one socket, in order, with at most one send in flight.
///
/// Several queued segments leave in one `sendmsg` (an iovec each), so a head
/// and the body bytes behind it cost one syscall. Segments are never merged or
/// copied; a short send just advances into the first unsent segment.
final class SendQueue {
    static let maxIovecs = 16
    private var ring: UnsafeMutablePointer<Segment>
    private var capacity: Int
    private var head = 0
    private(set) var count = 0
    private(set) var queuedBytes = 0
    private(set) var inFlight = false
    private let iovecs: UnsafeMutablePointer<iovec>
    private let message: UnsafeMutablePointer<msghdr>

    init() {
        capacity = 8
        ring = .allocate(capacity: capacity)
        iovecs = .allocate(capacity: Self.maxIovecs)
        message = .allocate(capacity: 1)
        message.initialize(to: msghdr())
    }

    deinit {
        ring.deallocate()
        iovecs.deallocate()
        message.deallocate()
    }

    var isIdle: Bool { count == 0 && !inFlight }

    /// The oldest unsent segment (for a queue that is encrypted rather than
    /// sent: take its bytes, then `complete(sent:)` them).
    var first: Segment? { count > 0 ? ring[head] : nil }

    func append(_ segment: Segment) {
        guard segment.length > 0 else { return }
        if count == capacity { grow() }
        ring[(head + count) & (capacity - 1)] = segment
        count += 1
        queuedBytes += segment.length
    }

    /// Starts a send when none is in flight and bytes are waiting.
    func flush<Backend: CompletionSubmitting>(fd: Int32, backend: Backend, _ ud: UserData) {
        guard !inFlight, count > 0 else { return }
        inFlight = true
        if count == 1 {
            let s = ring[head]
            backend.send(fd: fd, s.base, s.length, ud)
            return
        }
        let n = min(count, Self.maxIovecs)
        for i in 0..<n {
            let s = ring[(head + i) & (capacity - 1)]
            iovecs[i] = iovec(iov_base: UnsafeMutableRawPointer(mutating: s.base), iov_len: s.length)
        }
        message.pointee.msg_iov = iovecs
        message.pointee.msg_iovlen = n
        backend.sendmsg(fd: fd, message, ud)
    }

    /// Accounts for `sent` bytes having left; releases the buffers of
    /// segments that are now fully sent.
    func complete(sent: Int, buffers: ProvidedBuffers) {
        precondition(sent <= queuedBytes, "send completion reports more bytes than were queued")
        inFlight = false
        var left = sent
        queuedBytes -= sent
        while left > 0 {
            let s = ring[head]
            if left >= s.length {
                left -= s.length
                if s.bid >= 0 { buffers.release(UInt16(s.bid)) }
                head = (head + 1) & (capacity - 1)
                count -= 1
            } else {
                ring[head].base += left
                ring[head].length -= left
                left = 0
            }
        }
    }

    /// Drops everything queued (the socket is going away). An in-flight send
    /// still references the first segments, so call this only once that send
    /// has completed or failed.
    func discard(buffers: ProvidedBuffers) {
        while count > 0 {
            let s = ring[head]
            if s.bid >= 0 { buffers.release(UInt16(s.bid)) }
            head = (head + 1) & (capacity - 1)
            count -= 1
        }
        head = 0
        queuedBytes = 0
    }

    func sendFailed() { inFlight = false }

    /// Whether the queued bytes contain `needle` (which must not overlap
    /// itself, like an error code), across segment boundaries.
    func contains(_ needle: StaticString) -> Bool {
        needle.withUTF8Buffer { n in
            var matched = 0
            for i in 0..<count {
                let s = ring[(head + i) & (capacity - 1)]
                for k in 0..<s.length {
                    let b = s.base.load(fromByteOffset: k, as: UInt8.self)
                    if b == n[matched] {
                        matched += 1
                        if matched == n.count { return true }
                    } else {
                        matched = b == n[0] ? 1 : 0
                    }
                }
            }
            return false
        }
    }

    /// Hands every queued segment (and its buffer reference) to `other`, in
    /// order. Only for a queue that never sends (a held response).
    func moveAll(to other: SendQueue) {
        precondition(!inFlight, "moving segments that a send may still read")
        while count > 0 {
            other.append(ring[head])
            head = (head + 1) & (capacity - 1)
            count -= 1
        }
        head = 0
        queuedBytes = 0
    }

    private func grow() {
        let newCapacity = capacity * 2
        let newRing = UnsafeMutablePointer<Segment>.allocate(capacity: newCapacity)
        for i in 0..<count { newRing[i] = ring[(head + i) & (capacity - 1)] }
        ring.deallocate()
        ring = newRing
        capacity = newCapacity
        head = 0
    }
}
extension Segment: @unchecked Sendable {}
