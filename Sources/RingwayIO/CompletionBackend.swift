import CRingwayEngine
import Glibc

/// The backend's settings: ring depth and the provided-buffer pool.
public struct BackendConfig: Sendable {
    public var ringEntries: UInt32 = 4096
    public var bufferSize: UInt32 = 16384
    public var bufferCount: UInt32 = 1024
    public init() {}
}

/// A start-up failure with the step that failed and the kernel's errno.
public struct BackendError: Error, CustomStringConvertible {
    public var step: String
    public var errno: Int32
    public var description: String {
        "\(step) failed: \(String(cString: strerror(errno)))" + (errno == EPERM || errno == ENOSYS
            ? " (io_uring is disabled here: check kernel.io_uring_disabled or the container's seccomp profile)" : "")
    }
}

/// One completion harvested from the kernel.
public typealias Completion = rw_completion

/// Owns one worker's ring and its provided buffers. Must be created, used and
/// destroyed on the same thread: the ring is set up SINGLE_ISSUER.
public final class CompletionBackend {
    @usableFromInline let raw: OpaquePointer
    public let buffers: ProvidedBuffers
    /// Harvest batch: completions cross from C in arrays, never one call each.
    public let batch: UnsafeMutablePointer<Completion>
    public let batchCapacity: Int = 1024

    public init(config: BackendConfig) throws(BackendError) {
        var cConfig = rw_backend_config(
            ring_entries: config.ringEntries, buffer_size: config.bufferSize, buffer_count: config.bufferCount)
        var out: OpaquePointer?
        var why: UnsafePointer<CChar>?
        let ret = rw_backend_create(&cConfig, &out, &why)
        guard ret == 0, let out else {
            throw BackendError(step: why.map { String(cString: $0) } ?? "io_uring setup", errno: -ret)
        }
        raw = out
        buffers = ProvidedBuffers(
            backend: out, base: rw_backend_buffer_base(out), size: Int(config.bufferSize), count: Int(config.bufferCount))
        batch = .allocate(capacity: batchCapacity)
    }

    deinit {
        batch.deallocate()
        rw_backend_destroy(raw)
    }

    /// Human summary of what the kernel granted, for the start-up log line.
    public var setupDescription: String {
        let info = rw_backend_get_info(raw)
        var parts: [String] = []
        if info.setup_flags & RW_SETUP_SINGLE_ISSUER != 0 { parts.append("SINGLE_ISSUER") }
        if info.setup_flags & RW_SETUP_DEFER_TASKRUN != 0 { parts.append("DEFER_TASKRUN") }
        if info.setup_flags & RW_SETUP_COOP_TASKRUN != 0 { parts.append("COOP_TASKRUN") }
        if info.registered_ring_fd != 0 { parts.append("registered-ring-fd") }
        return parts.isEmpty ? "plain" : parts.joined(separator: "|")
    }

    /// Submits, waits up to `timeoutNanoseconds` and fills `batch`; returns
    /// how many completions it holds.
    @inlinable public func wait(timeoutNanoseconds: UInt64) -> Int {
        let n = rw_backend_wait(raw, batch, UInt32(batchCapacity), Int64(timeoutNanoseconds))
        if n < 0 { fatalError("io_uring_enter failed: \(String(cString: strerror(-n)))") }
        return Int(n)
    }

    // Preparation. The SQ is flushed when full, so -EBUSY means the kernel
    // itself cannot take more; that is a sizing bug worth stopping on.
    @inlinable func check(_ ret: Int32) {
        if ret != 0 { fatalError("submission queue exhausted (\(ret)); raise --ring-entries") }
    }

    @inlinable public func acceptMultishot(fd: Int32, _ ud: UserData) { check(rw_prep_accept_multishot(raw, fd, ud.raw)) }
    @inlinable public func recvMultishot(fd: Int32, _ ud: UserData) { check(rw_prep_recv_multishot(raw, fd, ud.raw)) }
    @inlinable public func send(fd: Int32, _ p: UnsafeRawPointer, _ n: Int, _ ud: UserData) {
        check(rw_prep_send(raw, fd, p, UInt32(n), ud.raw))
    }
    @inlinable public func sendmsg(fd: Int32, _ msg: UnsafePointer<msghdr>, _ ud: UserData) {
        check(rw_prep_sendmsg(raw, fd, msg, ud.raw))
    }
    /// `address` must outlive the operation; callers pass process-lifetime storage.
    @inlinable public func connect(fd: Int32, _ address: UnsafePointer<rw_address>, _ ud: UserData) {
        // `storage` is the struct's first field, so the pointer is the sockaddr.
        let sockaddrPointer = UnsafeRawPointer(address).assumingMemoryBound(to: sockaddr.self)
        check(rw_prep_connect(raw, fd, sockaddrPointer, address.pointee.length, ud.raw))
    }
    @inlinable public func close(fd: Int32, _ ud: UserData) { check(rw_prep_close(raw, fd, ud.raw)) }
    @inlinable public func shutdown(fd: Int32, how: Int32, _ ud: UserData) { check(rw_prep_shutdown(raw, fd, how, ud.raw)) }
    @inlinable public func cancel(_ target: UserData, _ ud: UserData) { check(rw_prep_cancel(raw, target.raw, ud.raw)) }
}
