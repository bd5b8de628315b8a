import CRingwayEngine
import Glibc
import RingwayIO
import RingwayRouter

/// One probe's socket. It is non-blocking so that every wait is a poll(2)
/// bounded by the request's single deadline: a peer that accepts and then
/// never answers costs exactly its timeout, never more. The same poll also
/// watches the prober's stop pipe, so `stop()` does not wait out a timeout.
///
/// A class, not a struct, so the descriptor is closed on every exit path by
/// `deinit`; one allocation per probe is nothing on a background thread.
final class ProbeConnection {
    let fd: Int32
    /// What the address was, for error messages ("127.0.0.1:8000", "unix:/run/v.sock").
    let target: String
    private let deadlineNs: UInt64
    private let timeoutMs: Int
    private let cancelFD: Int32
    /// https endpoints: the records over this socket (send and receive go
    /// through it); nil for plaintext.
    private var session: TLSClientSession?
    /// Ciphertext staging for the TLS case.
    private var scratch: UnsafeMutableRawBufferPointer?

    private init(fd: Int32, target: String, deadlineNs: UInt64, timeoutMs: Int, cancelFD: Int32) {
        self.fd = fd
        self.target = target
        self.deadlineNs = deadlineNs
        self.timeoutMs = timeoutMs
        self.cancelFD = cancelFD
    }

    deinit {
        close(fd)
        scratch?.deallocate()
    }

    /// Connects to `address`; the whole exchange that follows must finish
    /// within `timeoutMs` of now. `cancelFD` (-1 for none) abandons it as
    /// soon as it becomes readable.
    static func open(
        _ address: EndpointAddress, tls: EndpointTLS? = nil, timeoutMs: Int, cancelFD: Int32
    ) throws(ProbeError) -> ProbeConnection {
        let deadline = monotonicNanoseconds() &+ UInt64(max(timeoutMs, 1)) &* 1_000_000
        var peer = rw_address()
        let target: String
        switch address {
        case .http(let host, let port):
            target = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            guard rw_address_ip(host, port, &peer) == 0 else {
                throw .unsupportedAddress("\(target) is not a numeric IP address")
            }
        case .unix(let path):
            target = "unix:\(path)"
            guard rw_address_unix(path, &peer) == 0 else {
                throw .unsupportedAddress("\(target): path too long for a Unix socket address")
            }
        case .https(let host, let port):
            target = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            guard tls != nil else {
                throw .unsupportedAddress("https://\(target) is not probed: its pool has no TLS settings")
            }
            guard rw_address_ip(host, port, &peer) == 0 else {
                throw .unsupportedAddress("\(target) is not a numeric IP address")
            }
        }

        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        let fd = socket(Int32(peer.storage.ss_family), type, 0)
        guard fd >= 0 else { throw .socketFailed(errno: errno) }
        let connection = ProbeConnection(
            fd: fd, target: target, deadlineNs: deadline, timeoutMs: timeoutMs, cancelFD: cancelFD)

        let rc = withUnsafePointer(to: &peer.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, peer.length) }
        }
        if rc != 0 {
            let e = errno
            // A TCP connect completes in the background (EINPROGRESS); a Unix one
            // either completes at once or fails, EAGAIN meaning a full backlog.
            guard e == EINPROGRESS || e == EINTR else { throw connectError(e, target: target) }
            try connection.wait(for: Int16(POLLOUT), phase: .connect)
            var soError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length) == 0 else {
                throw connectError(errno, target: target)
            }
            guard soError == 0 else { throw connectError(soError, target: target) }
        }
        if let tls { try connection.handshake(tls) }
        return connection
    }

    /// The TLS handshake, within the same deadline as the connect.
    private func handshake(_ tls: EndpointTLS) throws(ProbeError) {
        let made: TLSClientSession
        do throws(TLSError) {
            made = try TLSClientSession(context: try tls.context.get(), host: tls.serverName)
        } catch {
            throw .tlsFailed(Self.cause(error))
        }
        session = made
        scratch = .allocate(byteCount: 16 << 10, alignment: 16)
        while true {
            let done: Bool
            do throws(TLSError) {
                done = try made.handshake()
            } catch {
                throw .tlsFailed(Self.cause(error))
            }
            try flushCiphertext(made)
            if done { return }
            guard try receiveCiphertext(made, phase: .connect) > 0 else {
                throw .tlsFailed("the server closed the connection during the handshake")
            }
        }
    }

    /// The C layer's generic prefix adds nothing to "TLS: ".
    private static func cause(_ error: TLSError) -> String {
        error.message.hasPrefix("handshake failed: ") ? String(error.message.dropFirst(18)) : error.message
    }

    /// Sends every pending ciphertext byte.
    private func flushCiphertext(_ session: TLSClientSession) throws(ProbeError) {
        guard let scratch else { return }
        while session.pendingOutput > 0 {
            let n = session.take(into: scratch)
            try sendRaw(UnsafeRawBufferPointer(rebasing: scratch[0..<n]))
        }
    }

    /// One read of ciphertext into the session; 0 at end of stream.
    private func receiveCiphertext(_ session: TLSClientSession, phase: ProbePhase) throws(ProbeError) -> Int {
        guard let scratch else { return 0 }
        let n = try receiveRaw(into: scratch, phase: phase)
        guard n > 0 else { return 0 }
        do throws(TLSError) {
            try session.feed(UnsafeRawBufferPointer(rebasing: scratch[0..<n]))
        } catch {
            throw .tlsFailed(error.message)
        }
        return n
    }

    private static func connectError(_ e: Int32, target: String) -> ProbeError {
        // ENOENT: no socket file at the Unix path, which means nobody listens.
        e == ECONNREFUSED || e == ENOENT ? .refused(target: target) : .connectFailed(target: target, errno: e)
    }

    /// Writes all of `bytes`. MSG_NOSIGNAL: a peer that already closed must
    /// give EPIPE here, not kill the process with SIGPIPE.
    func send(_ bytes: [UInt8]) throws(ProbeError) {
        // withUnsafeBytes only rethrows untyped errors; carry ours out in a Result.
        guard let session else {
            return try bytes.withUnsafeBytes { raw in Result { () throws(ProbeError) in try sendRaw(raw) } }.get()
        }
        let written = bytes.withUnsafeBytes { raw in Result { () throws(TLSError) in try session.write(raw) } }
        if case .failure(let error) = written { throw .tlsFailed(error.message) }
        try flushCiphertext(session)
    }

    private func sendRaw(_ bytes: UnsafeRawBufferPointer) throws(ProbeError) {
        var sent = 0
        while sent < bytes.count {
            let n = Glibc.send(fd, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            if n > 0 {
                sent += n
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                try wait(for: Int16(POLLOUT), phase: .send)
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                throw .writeFailed(errno: n < 0 ? errno : EPIPE)
            }
        }
    }

    /// Reads what is available into `buffer`, waiting for at least one byte.
    /// Returns 0 at end of stream.
    func receive(into buffer: UnsafeMutableRawBufferPointer, phase: ProbePhase) throws(ProbeError) -> Int {
        guard let session else { return try receiveRaw(into: buffer, phase: phase) }
        while true {
            let step: TLSRead
            do throws(TLSError) {
                step = try session.read(into: buffer)
            } catch {
                throw .tlsFailed(error.message)
            }
            switch step {
            case .bytes(let n): return n
            case .closed: return 0
            case .needMoreInput:
                try flushCiphertext(session)
                if try receiveCiphertext(session, phase: phase) == 0 { return 0 }
            }
        }
    }

    private func receiveRaw(into buffer: UnsafeMutableRawBufferPointer, phase: ProbePhase) throws(ProbeError) -> Int {
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            let e = errno
            if e == EAGAIN || e == EWOULDBLOCK {
                try wait(for: Int16(POLLIN), phase: phase)
            } else if e != EINTR {
                throw .readFailed(errno: e)
            }
        }
    }

    /// Blocks until the socket is ready for `events`, the deadline passes or
    /// the cancel pipe turns readable. Errors and hang-ups count as ready:
    /// the read or write that follows reports them precisely.
    private func wait(for events: Int16, phase: ProbePhase) throws(ProbeError) {
        var fds = [pollfd(fd: fd, events: events, revents: 0), pollfd(fd: cancelFD, events: Int16(POLLIN), revents: 0)]
        let watched = nfds_t(cancelFD >= 0 ? 2 : 1)
        while true {
            let now = monotonicNanoseconds()
            guard now < deadlineNs else { throw .timedOut(phase: phase, afterMs: timeoutMs) }
            // Round up: a 0 ms poll for the last 0.4 ms would spin.
            let remainingMs = Int32(clamping: (deadlineNs - now + 999_999) / 1_000_000)
            let ready = poll(&fds, watched, remainingMs)
            if ready < 0 {
                let e = errno
                if e == EINTR { continue }
                switch phase {
                case .connect: throw .connectFailed(target: target, errno: e)
                case .send: throw .writeFailed(errno: e)
                case .head, .body: throw .readFailed(errno: e)
                }
            }
            if watched == 2 && fds[1].revents != 0 { throw .cancelled }
            if fds[0].revents != 0 { return }
        }
    }
}
