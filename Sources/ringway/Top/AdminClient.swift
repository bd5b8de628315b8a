import CRingwayEngine
import Glibc

/// One blocking GET against the admin listener (loopback, small answers):
/// `ringway top` needs nothing more than status and body.
enum AdminClient {
    struct Failure: Error {
        var message: String
    }

    static func get(host: String, port: UInt16, path: String, timeoutMs: Int = 2_000) throws(Failure) -> [UInt8] {
        var address = rw_address()
        guard rw_address_ip(host, port, &address) == 0 else { throw Failure(message: "\(host) is not a numeric IP address") }
        let fd = rw_socket_for(&address)
        guard fd >= 0 else { throw Failure(message: "socket: \(String(cString: strerror(-fd)))") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutMs / 1000, tv_usec: Int((timeoutMs % 1000) * 1000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, address.length) }
        }
        guard connected == 0 else {
            throw Failure(message: "cannot reach the admin listener at \(host):\(port): \(String(cString: strerror(errno)))")
        }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else {
            throw Failure(message: "cannot send to the admin listener at \(host):\(port)")
        }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else { throw Failure(message: "reading from the admin listener: \(String(cString: strerror(errno)))") }
            response.append(contentsOf: chunk[0..<n])
        }
        // The admin server answers with Content-Length and closes: the body
        // is what follows the blank line.
        guard let split = headEnd(response) else { throw Failure(message: "malformed answer from the admin listener") }
        let statusLine = String(decoding: response.prefix(while: { $0 != 13 }), as: UTF8.self)
        guard statusLine.hasPrefix("HTTP/1.1 200") else {
            throw Failure(message: "admin \(path): \(statusLine) \(String(decoding: response[split...], as: UTF8.self))")
        }
        return Array(response[split...])
    }

    private static func headEnd(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return nil }
        for i in 0...(b.count - 4) where b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i + 4 }
        return nil
    }
}
