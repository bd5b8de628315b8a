import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A deliberately plain loopback HTTP/1.1 server for generator tests: one thread
/// blocks in `accept`, one thread per connection blocks in `recv`, frames each
/// request by its head and Content-Length, and answers as `Behaviour` says.
/// It counts every complete request it received, independently of the generator.
final class TinyHTTPServer: Sendable {
    struct Behaviour: Sendable {
        /// Bytes to answer request number n (1-based, across connections); nil stays silent.
        var response: @Sendable (Int) -> [UInt8]?
        /// Seconds to wait before answering request n.
        var delay: @Sendable (Int) -> Double = { _ in 0 }
        /// Close the connection after each answer.
        var closeAfterResponse = false

        static let fixed = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

        static func answer(_ text: String = fixed) -> Behaviour {
            let bytes = Array(text.utf8)
            return Behaviour(response: { _ in bytes })
        }

        static let silent = Behaviour(response: { _ in nil })
    }

    let port: UInt16
    private let listener: Int32
    private let behaviour: Behaviour
    private let received = Atomic<Int>(0)

    init(_ behaviour: Behaviour = .answer()) throws {
        self.behaviour = behaviour
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestServerError.call("socket", errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 1024) == 0 else {
            close(fd)
            throw TestServerError.call("bind/listen", errno)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let server = self
        Thread { server.acceptLoop() }.start()
    }

    /// Complete requests received so far.
    var requestCount: Int { received.load(ordering: .relaxed) }

    /// Stops accepting; connection threads end when their clients close.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            let server = self
            Thread { server.serve(connection) }.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            while let length = Self.requestLength(pending) {
                pending.removeFirst(length)
                let number = received.add(1, ordering: .relaxed).newValue
                let delay = behaviour.delay(number)
                if delay > 0 { usleep(useconds_t(delay * 1e6)) }
                guard let response = behaviour.response(number) else { continue }
                guard Self.sendAll(connection, response) else { return }
                if behaviour.closeAfterResponse { return }
            }
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return }
            pending.append(contentsOf: buffer[0..<count])
        }
    }

    /// Length of the first complete request in `bytes` (head plus Content-Length body), if any.
    static func requestLength(_ bytes: [UInt8]) -> Int? {
        let terminator: [UInt8] = Array("\r\n\r\n".utf8)
        guard bytes.count >= 4 else { return nil }
        var headEnd: Int?
        for start in 0...(bytes.count - 4) where Array(bytes[start..<start + 4]) == terminator {
            headEnd = start + 4
            break
        }
        guard let headEnd else { return nil }
        let head = String(decoding: bytes[0..<headEnd], as: UTF8.self).lowercased()
        var bodyLength = 0
        if let range = head.range(of: "content-length:") {
            let digits = head[range.upperBound...].drop(while: { $0 == " " }).prefix(while: \.isNumber)
            bodyLength = Int(digits) ?? 0
        }
        return bytes.count >= headEnd + bodyLength ? headEnd + bodyLength : nil
    }

    private static func sendAll(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { send(connection, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { return false }
            sent += count
        }
        return true
    }
}

enum TestServerError: Error {
    case call(String, Int32)
}

/// A loopback port with nothing listening on it (bound, then released).
func unusedLoopbackPort() throws -> UInt16 {
    let server = try TinyHTTPServer(.silent)
    server.stop()
    return server.port
}
