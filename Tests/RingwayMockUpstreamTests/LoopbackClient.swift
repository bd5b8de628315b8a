import Foundation
import Glibc

/// A blocking HTTP/1.1 client for one loopback connection, just enough to
/// check the mock's bytes: heads, Content-Length and chunked bodies (with each
/// chunk's arrival time), EOF and resets. Every read has a timeout.
final class LoopbackClient {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        /// errno of the failed read, 0 for EOF.
        let code: Int32
    }

    struct Head {
        var status: Int
        var fields: [(String, String)]
        func value(_ name: String) -> String? { fields.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var isChunked: Bool { value("transfer-encoding")?.lowercased() == "chunked" }
    }

    struct Chunk {
        var bytes: [UInt8]
        var arrivalNanos: UInt64
    }

    struct Response {
        var head: Head
        var body: [UInt8]
        var chunks: [Chunk]
        var status: Int { head.status }
        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                throw Failure(description: "not a JSON object: \(text)", code: 0)
            }
            return object
        }
    }

    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: UInt16, timeoutMs: Int = 5000) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        try Self.setTimeout(fd, timeoutMs)
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard ok else {
            let e = errno
            close(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port): errno \(e)", code: e)
        }
    }

    init(unixPath: String, timeoutMs: Int = 5000) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in unixPath.utf8.enumerated() { raw[i] = b }
        }
        try Self.setTimeout(fd, timeoutMs)
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
        guard ok else {
            let e = errno
            close(fd)
            throw Failure(description: "connect to unix:\(unixPath): errno \(e)", code: e)
        }
    }

    deinit { close(fd) }

    private static func setTimeout(_ fd: Int32, _ ms: Int) throws {
        var tv = timeval(tv_sec: ms / 1000, tv_usec: Int((ms % 1000) * 1000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + done, $0.count - done, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send: errno \(errno)", code: errno) }
            done += n
        }
    }

    /// Reads more bytes into the buffer; throws on EOF, reset or timeout.
    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
        if n > 0 {
            buffer.append(contentsOf: chunk[0..<n])
            return
        }
        if n == 0 { throw Failure(description: "connection closed by the mock", code: 0) }
        throw Failure(description: "recv: errno \(errno)", code: errno)
    }

    private func line() throws -> String {
        while true {
            if let i = buffer.indices.dropFirst().first(where: { buffer[$0] == 0x0A && buffer[$0 - 1] == 0x0D }) {
                let text = String(decoding: buffer[0..<(i - 1)], as: UTF8.self)
                buffer.removeFirst(i + 1)
                return text
            }
            try fill()
        }
    }

    private func take(_ n: Int) throws -> [UInt8] {
        while buffer.count < n { try fill() }
        let out = Array(buffer[0..<n])
        buffer.removeFirst(n)
        return out
    }

    func readHead() throws -> Head {
        let statusLine = try line()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw Failure(description: "bad status line '\(statusLine)'", code: 0)
        }
        var fields: [(String, String)] = []
        while true {
            let l = try line()
            if l.isEmpty { break }
            guard let colon = l.firstIndex(of: ":") else { throw Failure(description: "bad field '\(l)'", code: 0) }
            fields.append((String(l[..<colon]), l[l.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return Head(status: status, fields: fields)
    }

    /// Reads one chunk; nil at the last chunk.
    func readChunk() throws -> Chunk? {
        let sizeLine = try line()
        guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else {
            throw Failure(description: "bad chunk size '\(sizeLine)'", code: 0)
        }
        if size == 0 {
            while try !line().isEmpty {}
            return nil
        }
        let data = try take(size)
        let arrival = DispatchTime.now().uptimeNanoseconds
        guard try take(2) == [0x0D, 0x0A] else { throw Failure(description: "chunk not ended by CRLF", code: 0) }
        return Chunk(bytes: data, arrivalNanos: arrival)
    }

    func readResponse(isHEAD: Bool = false) throws -> Response {
        var head = try readHead()
        while head.status == 100 { head = try readHead() }
        if isHEAD { return Response(head: head, body: [], chunks: []) }
        if head.isChunked {
            var chunks: [Chunk] = []
            while let chunk = try readChunk() { chunks.append(chunk) }
            return Response(head: head, body: chunks.flatMap(\.bytes), chunks: chunks)
        }
        let length = Int(head.value("content-length") ?? "0") ?? 0
        return Response(head: head, body: try take(length), chunks: [])
    }

    /// Waits for EOF or an error after everything expected has been read.
    func readUntilClosed() -> Failure? {
        while true {
            do { try fill() } catch let failure as Failure { return failure } catch { return nil }
        }
    }
}

/// Builds request bytes.
enum Request {
    static func make(_ method: String, _ path: String, headers: [(String, String)] = [], body: String? = nil) -> String {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body { text += "Content-Length: \(body.utf8.count)\r\n" }
        return text + "\r\n" + (body ?? "")
    }

    static func chat(stream: Bool, includeUsage: Bool = false, model: String = "test-model",
                     headers: [(String, String)] = []) -> String {
        var body = #"{"model":"\#(model)","messages":[{"role":"user","content":"say \"stream\": true"}],"stream":\#(stream)"#
        if includeUsage { body += #","stream_options":{"include_usage":true}"# }
        body += "}"
        return make("POST", "/v1/chat/completions", headers: [("Content-Type", "application/json")] + headers, body: body)
    }
}

/// Splits an SSE body into `data:` payloads, checking every event is exactly
/// `data: …\n\n`.
func sseData(_ body: [UInt8]) throws -> [String] {
    let text = String(decoding: body, as: UTF8.self)
    var events = text.components(separatedBy: "\n\n")
    guard events.last == "" else { throw LoopbackClient.Failure(description: "stream does not end with a blank line", code: 0) }
    events.removeLast()
    return try events.map { event in
        guard event.hasPrefix("data: "), !event.contains("\n") else {
            throw LoopbackClient.Failure(description: "not a single data line: '\(event)'", code: 0)
        }
        return String(event.dropFirst(6))
    }
}

func jsonObject(_ text: String) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
        throw LoopbackClient.Failure(description: "not a JSON object: \(text)", code: 0)
    }
    return object
}
