import CRingwayEngine
import Dispatch
import Foundation
import Glibc
import Synchronization

/// A one-thread HTTP server for probe tests, on 127.0.0.1 port 0 or a Unix
/// path. Each connection's request head is read, recorded and answered with
/// whatever `reply` says at that moment, so a test can turn an endpoint
/// sick and well again while the prober runs.
final class ProbeTestServer: Sendable {
    enum Reply: Sendable {
        /// Written in one go, then the connection is closed.
        case bytes(String)
        /// Written piece by piece with a pause between, to split reads.
        case pieces([String], gapMs: Int)
        /// Never answered; held open until the server stops.
        case hang
    }

    let port: UInt16
    let unixPath: String?
    private let listenFD: Int32
    private let reply: Mutex<@Sendable (String) -> Reply>
    private let requestLog = Mutex<[String]>([])
    private let stopping = Atomic<Bool>(false)
    private let exited = DispatchSemaphore(value: 0)

    private init(listenFD: Int32, port: UInt16, unixPath: String?, reply: @escaping @Sendable (String) -> Reply) {
        self.listenFD = listenFD
        self.port = port
        self.unixPath = unixPath
        self.reply = Mutex(reply)
        let thread = Thread { [self] in
            defer { exited.signal() }
            serve()
        }
        thread.start()
    }

    static func tcp(_ reply: @escaping @Sendable (String) -> Reply) -> ProbeTestServer {
        var address = rw_address()
        precondition(rw_address_ip("127.0.0.1", 0, &address) == 0)
        var port: UInt16 = 0
        let fd = rw_listen_tcp(&address, 64, &port)
        precondition(fd >= 0, "listen: \(String(cString: strerror(-fd)))")
        return ProbeTestServer(listenFD: fd, port: port, unixPath: nil, reply: reply)
    }

    static func unix(_ reply: @escaping @Sendable (String) -> Reply) -> ProbeTestServer {
        let path = "/tmp/ringway-probe-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        var address = rw_address()
        precondition(rw_address_unix(path, &address) == 0)
        let fd = rw_socket_for(&address)
        precondition(fd >= 0)
        let bound = withUnsafePointer(to: &address.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, address.length) }
        }
        precondition(bound == 0 && listen(fd, 64) == 0, "bind \(path): \(String(cString: strerror(errno)))")
        return ProbeTestServer(listenFD: fd, port: 0, unixPath: path, reply: reply)
    }

    /// A TCP port with a bound socket that never listens: connecting to it
    /// is refused, and no other test can take the port meanwhile.
    static func refusedPort() -> (fd: Int32, port: UInt16) {
        var address = rw_address()
        precondition(rw_address_ip("127.0.0.1", 0, &address) == 0)
        let fd = rw_socket_for(&address)
        var storage = address.storage
        var length = address.length
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        precondition(ok)
        let port = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) } }
        return (fd, port)
    }

    func setReply(_ newReply: @escaping @Sendable (String) -> Reply) { reply.withLock { $0 = newReply } }

    /// Request heads received so far, oldest first.
    var requests: [String] { requestLog.withLock { $0 } }

    func stop() {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        exited.wait()
        close(listenFD)
        if let unixPath { unlink(unixPath) }
    }

    private func serve() {
        var held: [Int32] = []
        defer { held.forEach { close($0) } }
        while !stopping.load(ordering: .sequentiallyConsistent) {
            var p = pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 10) == 1 else { continue }
            let fd = accept(listenFD, nil, nil)
            guard fd >= 0 else { continue }
            // A prober that stalls must not wedge the server thread.
            var timeout = timeval(tv_sec: 1, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let head = readHead(fd)
            requestLog.withLock { $0.append(head) }
            switch reply.withLock({ $0 })(head) {
            case .bytes(let text):
                writeAll(fd, text)
                close(fd)
            case .pieces(let parts, let gapMs):
                for part in parts {
                    writeAll(fd, part)
                    usleep(UInt32(gapMs * 1000))
                }
                close(fd)
            case .hang:
                held.append(fd)
            }
        }
    }

    private func readHead(_ fd: Int32) -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while !String(decoding: bytes, as: UTF8.self).contains("\r\n\r\n") {
            let n = read(fd, &chunk, chunk.count)
            guard n > 0 else { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func writeAll(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return }
            sent += n
        }
    }
}
