import RingwayHTTP
import RingwayRouter

/// A minimal blocking HTTP/1.1 GET for health checks and metric scrapes.
///
/// One request per connection (`Connection: close`): probes run seconds
/// apart, so a kept-alive socket would save nothing and would need its own
/// staleness handling. The response is read with the proxy's own strict
/// head parser and chunked framing, so an endpoint the proxy would refuse to
/// relay from also fails its probe.
public struct ProbeHTTPClient: Sendable {
    /// Bytes read from the socket per response, head and framing included.
    /// A metrics page is a few tens of KiB; the bound stops a confused
    /// endpoint from streaming into the prober forever.
    public var maxResponseBytes: Int
    /// Readable when the owner wants in-flight requests abandoned (the
    /// prober's stop pipe); -1 for none.
    var cancelFD: Int32

    public init(maxResponseBytes: Int = 4 << 20) {
        self.maxResponseBytes = maxResponseBytes
        cancelFD = -1
    }

    init(maxResponseBytes: Int = 4 << 20, cancelFD: Int32) {
        self.maxResponseBytes = maxResponseBytes
        self.cancelFD = cancelFD
    }

    /// GETs `path` from `address`; everything (connect, send, head, body)
    /// must finish within `timeoutMs`. Any status is a response; only a
    /// failure to get one is an error.
    public func get(_ path: String, from address: EndpointAddress, timeoutMs: Int) throws(ProbeError) -> ProbeResponse {
        try get(path, from: address, tls: nil, timeoutMs: timeoutMs)
    }

    /// `tls`: an https endpoint's context and server name (also its Host).
    func get(_ path: String, from address: EndpointAddress, tls: EndpointTLS?, timeoutMs: Int) throws(ProbeError)
        -> ProbeResponse
    {
        let connection = try ProbeConnection.open(address, tls: tls, timeoutMs: timeoutMs, cancelFD: cancelFD)
        let host = tls.map { String(decoding: $0.hostField, as: UTF8.self) } ?? Self.hostField(address)
        try connection.send(Self.request(path: path, host: host))
        return try read(from: connection)
    }

    static func request(path: String, host: String) -> [UInt8] {
        Array("GET \(path) HTTP/1.1\r\nHost: \(host)\r\nUser-Agent: ringway-prober\r\nAccept: */*\r\nConnection: close\r\n\r\n".utf8)
    }

    /// What the endpoint's URL says, as RFC 9110 §7.2 wants; a Unix socket
    /// has no authority, and servers behind one expect "localhost".
    static func hostField(_ address: EndpointAddress) -> String {
        switch address {
        case .http(let host, let port), .https(let host, let port):
            return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix:
            return "localhost"
        }
    }

    private func read(from connection: ProbeConnection) throws(ProbeError) -> ProbeResponse {
        var received: [UInt8] = []
        var limits = HTTPLimits()
        limits.maxBodyBytes = Int64(maxResponseBytes)
        var head = ResponseHead()
        var bodyStart = 0
        var atEnd = false

        // The head, skipping any 1xx interim responses (RFC 9110 §15.2).
        while true {
            let parsed = received[bodyStart...].withUnsafeBytes {
                ResponseHeadParser.parse($0, requestWasHEAD: false, limits: limits, into: &head)
            }
            switch parsed {
            case .failure(let error):
                throw .malformedResponse(error)
            case .complete(let length):
                bodyStart += length
                if head.isInformational { continue }
            case .incomplete:
                guard !atEnd else { throw .closedEarly(phase: .head, bytesRead: received.count) }
                atEnd = try receive(from: connection, into: &received, phase: .head)
                continue
            }
            break
        }

        switch head.framing {
        case .none:
            return ProbeResponse(status: head.status, body: [])
        case .contentLength(let length):
            guard length <= Int64(maxResponseBytes - bodyStart) else { throw .responseTooLarge(limit: maxResponseBytes) }
            let end = bodyStart + Int(length)
            while received.count < end {
                guard !atEnd else { throw .closedEarly(phase: .body, bytesRead: received.count) }
                atEnd = try receive(from: connection, into: &received, phase: .body)
            }
            return ProbeResponse(status: head.status, body: Array(received[bodyStart..<end]))
        case .chunked:
            var framing = ChunkedFraming(limits: limits)
            var fed = bodyStart
            while true {
                let step = received[fed...].withUnsafeBytes { framing.feed($0) }
                switch step {
                case .done(let consumed):
                    let end = fed + consumed
                    return ProbeResponse(status: head.status, body: ChunkedBodyDecoding.decode(received[bodyStart..<end]))
                case .failure(let error):
                    throw .malformedResponse(error)
                case .needMore:
                    fed = received.count
                    guard !atEnd else { throw .closedEarly(phase: .body, bytesRead: received.count) }
                    atEnd = try receive(from: connection, into: &received, phase: .body)
                }
            }
        case .untilClose:
            while !atEnd { atEnd = try receive(from: connection, into: &received, phase: .body) }
            return ProbeResponse(status: head.status, body: Array(received[bodyStart...]))
        }
    }

    /// Appends what the socket has; true at end of stream.
    private func receive(
        from connection: ProbeConnection, into received: inout [UInt8], phase: ProbePhase
    ) throws(ProbeError) -> Bool {
        let room = maxResponseBytes - received.count
        guard room > 0 else { throw .responseTooLarge(limit: maxResponseBytes) }
        let want = min(room, 16 << 10)
        let old = received.count
        received.append(contentsOf: repeatElement(0, count: want))
        var n = 0
        // Trims the unused room, all of it when the read failed.
        defer { received.removeLast(want - n) }
        // withUnsafeMutableBytes only rethrows untyped errors; carry ours out in a Result.
        n = try received.withUnsafeMutableBytes { buffer in
            Result { () throws(ProbeError) in
                try connection.receive(into: UnsafeMutableRawBufferPointer(rebasing: buffer[old...]), phase: phase)
            }
        }.get()
        return n == 0
    }
}
