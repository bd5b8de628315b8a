import Glibc
import RingwayIO

/// A plain blocking TCP socket to 127.0.0.1, standing in for the event loop:
/// it moves ciphertext between the kernel and a `TLSClientSession`. Every
/// receive and send is bounded by a 5 s socket timeout.
final class CipherSocket {
    private(set) var fd: Int32
    /// Ciphertext staging, like the loop's provided/send buffers.
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)

    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TLSTestFailure("socket: errno \(errno)") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw TLSTestFailure("connect 127.0.0.1:\(port): errno \(code)")
        }
    }

    deinit { close() }

    /// Closes the socket (s_server serves one connection at a time).
    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Sends every pending ciphertext byte (the loop's send path).
    func flush(_ session: TLSClientSession) throws {
        while session.pendingOutput > 0 {
            let n = scratch.withUnsafeMutableBytes { session.take(into: $0) }
            var sent = 0
            while sent < n {
                let r = scratch.withUnsafeBytes { send(fd, $0.baseAddress! + sent, n - sent, Int32(MSG_NOSIGNAL)) }
                if r < 0 && errno == EINTR { continue }
                guard r > 0 else { throw TLSTestFailure("send: errno \(errno)") }
                sent += r
            }
        }
    }

    /// One receive completion: up to `limit` bytes fed into the session.
    /// Returns the count, 0 at end of stream. `wait: false` polls.
    @discardableResult
    func receive(into session: TLSClientSession, limit: Int = 64 * 1024, wait: Bool = true) throws -> Int {
        while true {
            let want = min(limit, scratch.count)
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, want, wait ? 0 : Int32(MSG_DONTWAIT)) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && !wait && (errno == EAGAIN || errno == EWOULDBLOCK) { return -1 }
            guard n >= 0 else { throw TLSTestFailure("recv: errno \(errno) (timeout is 5 s)") }
            try scratch.withUnsafeBytes { try session.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            return n
        }
    }

    /// Drives the handshake to completion, feeding `feedSize` bytes at a time.
    /// On failure it sends the queued alert and closes, as the loop would.
    func handshake(_ session: TLSClientSession, feedSize: Int = 64 * 1024, sendAlert: Bool = true) throws {
        do {
            while try !session.handshake() {
                try flush(session)
                guard try receive(into: session, limit: feedSize) > 0 else {
                    throw TLSTestFailure("end of stream during the handshake")
                }
            }
        } catch let error as TLSError {
            if sendAlert { try? flush(session) }
            close()
            throw error
        }
        try flush(session)
    }

    /// Sends close_notify and closes.
    func finish(_ session: TLSClientSession) throws {
        session.shutdown()
        try flush(session)
        close()
    }

    /// Writes plaintext and sends the records.
    func write(_ session: TLSClientSession, _ text: String) throws {
        var bytes = Array(text.utf8)
        try bytes.withUnsafeBytes { try session.write($0) }
        try flush(session)
        bytes.removeAll()
    }

    /// Reads plaintext until close_notify (`closed` true), end of stream, or
    /// `until` bytes, feeding `feedSize` ciphertext bytes per receive.
    func readPlaintext(_ session: TLSClientSession, until limit: Int = .max, feedSize: Int = 64 * 1024)
        throws -> (bytes: [UInt8], closed: Bool)
    {
        var plain: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            switch try buffer.withUnsafeMutableBytes({ try session.read(into: $0) }) {
            case .bytes(let n):
                plain.append(contentsOf: buffer[0..<n])
                if plain.count >= limit { return (plain, false) }
            case .closed:
                return (plain, true)
            case .needMoreInput:
                try flush(session)
                if try receive(into: session, limit: feedSize) == 0 { return (plain, false) }
            }
        }
    }
}
