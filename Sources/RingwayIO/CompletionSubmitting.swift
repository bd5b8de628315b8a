import CRingwayEngine
import Glibc

/// Everything the proxy's state machines ask of the kernel, as one seam.
///
/// `CompletionBackend` is the io_uring implementation; tests use a recording
/// fake and feed completions by hand, so connection state machines are tested
/// without sockets (swift-system's syscall mocking and NIO's EmbeddedChannel
/// are the models). The worker is generic over it, so the seam is specialised
/// away: no existential, no dynamic dispatch on the hot path.
public protocol CompletionSubmitting: AnyObject {
    var buffers: ProvidedBuffers { get }
    var batch: UnsafeMutablePointer<Completion> { get }
    var setupDescription: String { get }

    /// Submits what was prepared and waits up to `timeoutNanoseconds` (0 =
    /// do not wait); returns how many completions `batch` now holds.
    func wait(timeoutNanoseconds: UInt64) -> Int

    func acceptMultishot(fd: Int32, _ ud: UserData)
    func recvMultishot(fd: Int32, _ ud: UserData)
    func send(fd: Int32, _ p: UnsafeRawPointer, _ n: Int, _ ud: UserData)
    func sendmsg(fd: Int32, _ msg: UnsafePointer<msghdr>, _ ud: UserData)
    func connect(fd: Int32, _ address: UnsafePointer<rw_address>, _ ud: UserData)
    func close(fd: Int32, _ ud: UserData)
    /// Beware: io_uring always runs a shutdown on an io-wq thread, which
    /// looks the descriptor number up only when it runs. If the descriptor
    /// is closed (and the number reused by an accept) before then, it shuts
    /// down someone else's socket. Use `shutdownNow` before a close.
    func shutdown(fd: Int32, how: Int32, _ ud: UserData)
    func cancel(_ target: UserData, _ ud: UserData)

    // Plain syscalls made once per connection, never per request.
    /// A new stream socket for `address`, or -errno.
    func openSocket(for address: UnsafePointer<rw_address>) -> Int32
    /// The peer's IP as text into `out`; its length, or -errno.
    func peerIPText(fd: Int32, into out: UnsafeMutableBufferPointer<CChar>) -> Int32
    /// Closes at once, outside the ring (start-up, refusals, the listener).
    func closeNow(fd: Int32)
    /// shutdown(2) at once, outside the ring: for a TCP socket it only
    /// queues the FIN, and it applies to this descriptor now, not to
    /// whatever holds its number later (see `shutdown`).
    func shutdownNow(fd: Int32, how: Int32)
}

extension CompletionBackend: CompletionSubmitting {
    public func openSocket(for address: UnsafePointer<rw_address>) -> Int32 { rw_socket_for(address) }

    public func peerIPText(fd: Int32, into out: UnsafeMutableBufferPointer<CChar>) -> Int32 {
        rw_peer_ip_text(fd, out.baseAddress, UInt32(out.count))
    }

    public func closeNow(fd: Int32) { rw_close_now(fd) }

    public func shutdownNow(fd: Int32, how: Int32) { _ = Glibc.shutdown(fd, how) }
}
