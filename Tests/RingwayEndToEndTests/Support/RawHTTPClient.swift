import Foundation
import Glibc

enum RawHTTPError: Error, CustomStringConvertible {
    case connectFailed(errno: Int32)
    /// The peer closed (FIN) or reset the connection before the message was complete.
    case connectionClosed(reset: Bool, context: String)
    case timeout(String)
    case malformed(String)
    case sendFailed(errno: Int32)

    var description: String {
        switch self {
        case .connectFailed(let e): return "connect failed: \(String(cString: strerror(e)))"
        case .connectionClosed(let reset, let context):
            return "connection \(reset ? "reset" : "closed") \(context)"
        case .timeout(let what): return "timed out \(what)"
        case .malformed(let what): return "malformed response: \(what)"
        case .sendFailed(let e): return "send failed: \(String(cString: strerror(e)))"
        }
    }

    var isConnectionClosed: Bool {
        if case .connectionClosed = self { return true }
        return false
    }
}

/// A deliberately dumb, strict, blocking HTTP/1.1 client over a loopback TCP socket:
/// it sends exactly the bytes it is given and frames responses by the RFC 9112 rules.
final class RawHTTPClient {
    let fd: Int32
    /// Idle timeout for each receive.
    var timeoutMs: Int
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var lastArrival: UInt64 = 0
    private var closed = false
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)

    init(port: UInt16, timeoutMs: Int = 5_000) throws {
        self.timeoutMs = timeoutMs
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError.connectFailed(errno: errno) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if rc != 0 {
            let e = errno
            Glibc.close(fd)
            throw RawHTTPError.connectFailed(errno: e)
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var tv = timeval(tv_sec: timeoutMs / 1000, tv_usec: (timeoutMs % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close() }

    func close() {
        if !closed {
            closed = true
            Glibc.close(fd)
        }
    }

    // MARK: Sending

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN { throw RawHTTPError.timeout("sending (peer not reading)") }
                throw RawHTTPError.sendFailed(errno: errno)
            }
            offset += n
        }
    }

    // MARK: Receiving primitives

    private var available: Int { buffer.count - readIndex }

    /// Receives more bytes into the buffer. Returns false on EOF; throws on reset or timeout.
    private func fill(timeoutMs: Int? = nil) throws -> Bool {
        if readIndex > 0 && readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex > 1 << 20 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        let n = try receive(into: &scratch, timeoutMs: timeoutMs ?? self.timeoutMs)
        if n == 0 { return false }
        buffer.append(contentsOf: scratch[0..<n])
        return true
    }

    /// One recv with a poll-based deadline. Returns 0 on EOF.
    private func receive(into target: inout [UInt8], maxBytes: Int? = nil, timeoutMs: Int) throws -> Int {
        let start = monotonicNanos()
        while true {
            let left = timeoutMs - Int(millisSince(start))
            if left <= 0 { throw RawHTTPError.timeout("waiting \(timeoutMs) ms for data") }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(left))
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { throw RawHTTPError.timeout("waiting \(timeoutMs) ms for data") }
            let limit = min(maxBytes ?? target.count, target.count)
            let n = target.withUnsafeMutableBytes { recv(fd, $0.baseAddress, limit, 0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                if errno == ECONNRESET { throw RawHTTPError.connectionClosed(reset: true, context: "(ECONNRESET)") }
                throw RawHTTPError.malformed("recv: \(String(cString: strerror(errno)))")
            }
            lastArrival = monotonicNanos()
            return n
        }
    }

    private func closedError(_ context: String) -> RawHTTPError {
        .connectionClosed(reset: false, context: context)
    }

    /// Reads a CRLF-terminated line (without the CRLF). A bare LF is an error.
    func readLine(maxBytes: Int = 64 * 1024) throws -> String {
        var scanned = 0  // bytes after readIndex already known to hold no LF (fill may move readIndex)
        while true {
            if let lf = buffer[(readIndex + scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
                guard lf > readIndex, buffer[lf - 1] == UInt8(ascii: "\r") else {
                    throw RawHTTPError.malformed("bare LF in \(String(decoding: buffer[readIndex...lf], as: UTF8.self).debugDescription)")
                }
                let line = String(decoding: buffer[readIndex..<(lf - 1)], as: UTF8.self)
                readIndex = lf + 1
                return line
            }
            scanned = available
            if available > maxBytes { throw RawHTTPError.malformed("line longer than \(maxBytes) bytes") }
            if try !fill() { throw closedError("in the middle of a line (\(available) bytes buffered)") }
        }
    }

    /// Reads exactly `count` bytes.
    func readExactly(_ count: Int) throws -> [UInt8] {
        while available < count {
            if try !fill() { throw closedError("after \(available) of \(count) expected bytes") }
        }
        let bytes = Array(buffer[readIndex..<(readIndex + count)])
        readIndex += count
        return bytes
    }

    // MARK: Responses

    /// Reads one status line and header block (including 1xx interim heads).
    func readHead() throws -> ResponseHead {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3,
              let status = Int(parts[1]) else {
            throw RawHTTPError.malformed("status line \(statusLine.debugDescription)")
        }
        var fields: [HeaderField] = []
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw RawHTTPError.malformed("header line \(line.debugDescription)")
            }
            let name = String(line[..<colon])
            guard !name.contains(" ") && !name.contains("\t") else {
                throw RawHTTPError.malformed("whitespace in header name \(line.debugDescription)")
            }
            fields.append(HeaderField(name: name, value: line[line.index(after: colon)...]
                .trimmingCharacters(in: CharacterSet(charactersIn: " \t"))))
        }
        return ResponseHead(version: String(parts[0]), status: status,
                            reason: parts.count > 2 ? String(parts[2]) : "", fields: fields)
    }

    /// Reads one complete response, skipping 1xx interim responses.
    /// `sink`, when given, receives the body instead of it being stored (for huge bodies).
    func readResponse(method: String = "GET",
                      sink: ((UnsafeRawBufferPointer) throws -> Void)? = nil) throws -> HTTPResponse {
        var head = try readHead()
        while (100..<200).contains(head.status) && head.status != 101 {
            head = try readHead()
        }
        return try readBody(of: head, method: method, sink: sink)
    }

    /// Reads the body that `head` announces (none for HEAD, 1xx, 204 and 304).
    func readBody(of head: ResponseHead, method: String = "GET",
                  sink: ((UnsafeRawBufferPointer) throws -> Void)? = nil) throws -> HTTPResponse {
        if method == "HEAD" || (100..<200).contains(head.status) || head.status == 204 || head.status == 304 {
            return HTTPResponse(head: head, body: [], chunks: [])
        }
        var body: [UInt8] = []
        let deliver: (UnsafeRawBufferPointer) throws -> Void = sink ?? { body.append(contentsOf: $0) }
        if head.value("transfer-encoding") != nil {
            guard head.isChunked else {
                throw RawHTTPError.malformed("transfer-encoding \(head.value("transfer-encoding")!) without final chunked")
            }
            var chunks: [ReceivedChunk] = []
            while let chunk = try nextChunk() {
                try chunk.bytes.withUnsafeBytes(deliver)
                if sink == nil { chunks.append(chunk) }
            }
            return HTTPResponse(head: head, body: body, chunks: chunks)
        }
        if let length = head.contentLength {
            try readFixedBody(length: length, deliver: deliver)
        } else {
            while true {
                if available > 0 {
                    try buffer[readIndex...].withUnsafeBytes(deliver)
                    readIndex = buffer.count
                }
                if try !fill() { break }
            }
        }
        return HTTPResponse(head: head, body: body, chunks: [])
    }

    private func readFixedBody(length: Int, deliver: (UnsafeRawBufferPointer) throws -> Void) throws {
        var remaining = length
        let buffered = min(available, remaining)
        if buffered > 0 {
            try buffer[readIndex..<(readIndex + buffered)].withUnsafeBytes(deliver)
            readIndex += buffered
            remaining -= buffered
        }
        while remaining > 0 {
            let n = try receive(into: &scratch, maxBytes: remaining, timeoutMs: timeoutMs)
            if n == 0 {
                throw closedError("after \(length - remaining) of \(length) Content-Length bytes")
            }
            try scratch[0..<n].withUnsafeBytes(deliver)
            remaining -= n
        }
    }

    /// Reads the next chunk of a chunked body; nil after the last chunk and trailers.
    /// A connection that ends before the terminator throws `.connectionClosed`.
    func nextChunk() throws -> ReceivedChunk? {
        let sizeLine = try readLine()
        let sizeText = sizeLine.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard !sizeText.isEmpty, sizeText.count <= 15, sizeText.allSatisfy(\.isHexDigit),
              let size = Int(sizeText, radix: 16) else {
            throw RawHTTPError.malformed("chunk size line \(sizeLine.debugDescription)")
        }
        if size == 0 {
            while try !readLine().isEmpty {}  // trailer fields
            return nil
        }
        let data = try readExactly(size)
        let arrival = lastArrival
        guard try readExactly(2) == [13, 10] else { throw RawHTTPError.malformed("chunk data not followed by CRLF") }
        return ReceivedChunk(bytes: data, arrivalNanos: arrival)
    }

    /// Reads whatever arrives until the peer closes (true) or `timeoutMs` passes (false).
    func readUntilClose(timeoutMs: Int) -> (bytes: [UInt8], closed: Bool) {
        let start = monotonicNanos()
        var closedByPeer = false
        while true {
            let left = timeoutMs - Int(millisSince(start))
            if left <= 0 { break }
            do {
                if try !fill(timeoutMs: left) { closedByPeer = true; break }
            } catch RawHTTPError.connectionClosed {
                closedByPeer = true
                break
            } catch {
                break
            }
        }
        let bytes = Array(buffer[readIndex...])
        readIndex = buffer.count
        return (bytes, closedByPeer)
    }

    /// Whether the peer closes the connection within `timeoutMs` (any further bytes are discarded).
    func waitForClose(timeoutMs: Int) -> Bool {
        readUntilClose(timeoutMs: timeoutMs).closed
    }
}
