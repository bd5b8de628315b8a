import CRingwayEngine
import Foundation
import Glibc
import RingwayHTTP

/// The admin listener: a small blocking HTTP/1.1 server on its own thread,
/// far from the workers' rings. One request per connection; operators and
/// scrapers, not clients, talk to it.
final class AdminServer: @unchecked Sendable {
    struct Request {
        var method: String
        var path: String
    }

    struct Response {
        var status: Int
        var contentType = "application/json"
        var body: String
    }

    let fd: Int32
    let port: UInt16
    private let handle: @Sendable (Request) -> Response
    private let stopping = ShutdownFlag()

    private init(fd: Int32, port: UInt16, handle: @escaping @Sendable (Request) -> Response) {
        self.fd = fd
        self.port = port
        self.handle = handle
    }

    static func start(host: String, port: UInt16, handle: @escaping @Sendable (Request) -> Response) -> Result<AdminServer, AdminStartError> {
        var address = rw_address()
        guard rw_address_ip(host, port, &address) == 0 else {
            return .failure(AdminStartError(message: "admin listen address \(host) is not a numeric IP"))
        }
        var bound: UInt16 = 0
        let fd = rw_listen_tcp_exclusive(&address, 64, &bound)
        guard fd >= 0 else {
            return .failure(AdminStartError(message: "cannot listen on admin address \(host):\(port): \(String(cString: strerror(-fd)))"))
        }
        let server = AdminServer(fd: fd, port: bound, handle: handle)
        let thread = Thread { server.serve() }
        thread.name = "ringway-admin"
        thread.start()
        return .success(server)
    }

    func stop() { stopping.set() }

    private func serve() {
        // The listener may be non-blocking; poll keeps accept and the stop
        // check in one place.
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while !stopping.isSet {
            pfd.revents = 0
            guard poll(&pfd, 1, 200) > 0 else { continue }
            let client = accept(fd, nil, nil)
            guard client >= 0 else { continue }
            serveOne(client)
            close(client)
        }
        close(fd)
    }

    private func serveOne(_ client: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var flags = fcntl(client, F_GETFL)
        if flags >= 0 && flags & O_NONBLOCK != 0 {
            flags &= ~O_NONBLOCK
            _ = fcntl(client, F_SETFL, flags)
        }
        var buffer = [UInt8](repeating: 0, count: 16384)
        var have = 0
        var headEnd: Int?
        while have < buffer.count {
            let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress! + have, $0.count - have, 0) }
            if n <= 0 { return }
            have += n
            if let r = find(buffer, have) {
                headEnd = r
                break
            }
        }
        guard let end = headEnd, let head = String(bytes: buffer[0..<end], encoding: .utf8) else {
            return write(client, Response(status: 400, body: Self.error("malformed request", "bad_request")))
        }
        let requestLine = head.split(separator: "\r\n", maxSplits: 1).first ?? ""
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3 else {
            return write(client, Response(status: 400, body: Self.error("malformed request line", "bad_request")))
        }
        let target = String(parts[1])
        let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target
        write(client, handle(Request(method: String(parts[0]), path: path)))
    }

    private func find(_ b: [UInt8], _ n: Int) -> Int? {
        guard n >= 4 else { return nil }
        for i in 0...(n - 4) where b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i }
        return nil
    }

    private func write(_ client: Int32, _ r: Response) {
        let body = Array(r.body.utf8)
        let reason = r.status == 200 ? "OK" : r.status == 404 ? "Not Found" : r.status == 405 ? "Method Not Allowed"
            : r.status == 503 ? "Service Unavailable" : r.status == 400 ? "Bad Request" : "Error"
        var out = Array("HTTP/1.1 \(r.status) \(reason)\r\nContent-Type: \(r.contentType)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8)
        out += body
        var sent = 0
        while sent < out.count {
            let n = out.withUnsafeBytes { send(client, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    static func error(_ message: String, _ code: String) -> String {
        "{\"error\":{\"message\":\(jsonString(message)),\"type\":\"invalid_request_error\",\"code\":\(jsonString(code))}}"
    }

    /// A JSON string literal, escaped as the proxy's own error bodies are.
    static func jsonString(_ s: String) -> String { String(decoding: JSONQuoting.quoted(s), as: UTF8.self) }
}

struct AdminStartError: Error {
    var message: String
}

/// A one-way stop flag for the admin thread.
final class ShutdownFlag: @unchecked Sendable {
    private var flag = false
    private let lock = NSLock()
    func set() { lock.lock(); flag = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return flag }
}
