import Glibc
import RingwayHTTP
import RingwayIO
import RingwayRouter

/// The request half of an exchange: head, upstream choice, body relay.
extension Worker {
    /// Advances a client as far as the bytes it has sent allow.
    func driveClient(_ c: ClientConnection) {
        switch c.phase {
        case .awaitingHead:
            // Pipelined requests are answered in order: the next head is
            // looked at only once the previous response has fully left.
            if !c.inbound.isEmpty && c.sendQueue.isIdle { parseRequestHead(c) }
            updateClientPressure(c)
        case .exchanging:
            if c.holdingBody {
                gatherBody(c)
            } else if !c.requestBodyDone {
                pumpRequestBody(c)
            }
            updateClientPressure(c)
        default:
            c.inbound.discard(buffers: buffers)
        }
    }

    private func parseRequestHead(_ c: ClientConnection) {
        if c.headerDeadline == 0 {
            c.keepAliveDeadline = 0
            c.headerDeadline = now + settings.headerTimeoutMs * 1_000_000
            scheduleClientTimer(c)
        }
        let limits = settings.limits
        // Common case: the whole head sits in the first receive buffer and
        // is parsed where the kernel put it.
        if c.requestHeadIn.count == 0, let front = c.inbound.first {
            let bytes = UnsafeRawBufferPointer(start: front.base, count: front.length)
            switch RequestHeadParser.parse(bytes, limits: limits, into: &c.request) {
            case .complete(let n): return startRequest(c, source: bytes, headLength: n)
            case .failure(let e): return rejectRequest(c, e)
            case .incomplete:
                // More bytes will arrive as another entry, which takes the
                // gathering path below (it rescans from the start then).
                if c.inbound.entryCount == 1 { return }
            }
        }
        // The head spans buffers: gather a contiguous copy to parse. The
        // inbound queue keeps the originals, so body bytes behind the head
        // are still relayed from their receive buffers.
        var skip = c.requestHeadIn.count
        var sawEnd = false
        let cap = limits.maxHeaderBytes + 1
        for i in 0..<c.inbound.entryCount where c.requestHeadIn.count < cap {
            let s = c.inbound.entry(i)
            if skip >= s.length {
                skip -= s.length
                continue
            }
            let take = min(s.length - skip, cap - c.requestHeadIn.count)
            let slice = UnsafeRawBufferPointer(start: s.base + skip, count: take)
            if c.requestHeadIn.count == 0 { c.requestHeadEnd.reset() }
            if c.requestHeadEnd.sawEnd(in: slice) { sawEnd = true }
            c.requestHeadIn.append(slice, pool: &arenas)
            skip = 0
        }
        guard sawEnd || c.requestHeadIn.count >= limits.maxHeaderBytes else { return }
        let bytes = c.requestHeadIn.bytes
        switch RequestHeadParser.parse(bytes, limits: limits, into: &c.request) {
        case .complete(let n): startRequest(c, source: bytes, headLength: n)
        case .failure(let e): rejectRequest(c, e)
        case .incomplete: return
        }
    }

    private func startRequest(_ c: ClientConnection, source: UnsafeRawBufferPointer, headLength: Int) {
        if c.request.isCONNECT {
            return respondError(c, status: 501, message: "CONNECT is not supported", code: "unsupported_method")
        }
        c.keepAlive = c.request.keepAlive && !draining
        c.requestIsHEAD = c.request.isHEAD
        c.requestStartedAt = now
        if accessLog != nil, let id = c.request.requestID {
            c.requestIDBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: source[Int(id.start)..<Int(id.end)]).prefix(64))
        }
        switch c.request.framing {
        case .none, .untilClose:
            c.requestBodyDone = true
        case .contentLength(let n):
            c.requestRemaining = n
            c.requestBodyDone = n == 0
        case .chunked:
            c.requestChunked = true
            c.requestChunks = ChunkedFraming(limits: settings.limits)
            c.requestBodyDone = false
        }

        // RFC 9112 §3.2.2: an absolute-form target names the authority, which
        // replaces Host; the upstream is sent the origin-form path.
        c.authority = Self.splitAbsoluteForm(&c.request, source: source)
        c.routing = routing
        let table = routing.table
        let path = Self.pathBytes(c.request.target, source: source)
        guard let route = table.route(forPath: path) else {
            return respondError(c, status: 404, message: "no route for this path", code: "route_not_found")
        }
        switch table.routes[route].kind {
        case .modelList: answerModelList(c, table, source: source, headLength: headLength)
        case .model: beginModelRequest(c, source: source, headLength: headLength)
        case .passthrough(let pool):
            c.pool = Int32(pool)
            c.routingReason = table.isSidecar ? .sidecar : .passthrough
            forwardPassthrough(c, source: source, headLength: headLength)
        }
    }

    /// Relays the request to one endpoint of the pool, body streamed as it
    /// arrives (nothing held, so no second attempt).
    private func forwardPassthrough(_ c: ClientConnection, source: UnsafeRawBufferPointer, headLength: Int) {
        let routing = c.routing!
        let pool = Int(c.pool)
        guard let member = routing.balancers[pool].pick(affinityKey: 0, now: now, exclude: c.tried) else {
            return respondError(c, status: 503, message: "no healthy endpoint is available for this request",
                                code: "no_healthy_upstream")
        }
        guard let u = startAttempt(c, routing, member: member) else { return }
        guard writeUpstreamHead(c, u, source: source, bodyLength: -1) else { return }
        c.inbound.consume(headLength, buffers: buffers)
        c.requestHeadIn.count = 0
        c.phase = .exchanging
        c.headerDeadline = 0
        armFirstByteTimer(c, routing.table)

        if c.request.expectsContinue && !c.requestBodyDone && c.inbound.isEmpty {
            c.sendQueue.append(StaticBytes.continue100)
            flushClient(c)
        }
        if !c.requestBodyDone { pumpRequestBody(c) }
        flushUpstream(u)
    }

    /// Writes the head the upstream gets — hop-by-hop fields out, forwarding
    /// fields in, the pool's Host and fields — and queues it. False when it
    /// did not fit (the client has been answered).
    func writeUpstreamHead(_ c: ClientConnection, _ u: UpstreamConnection, source: UnsafeRawBufferPointer,
                           bodyLength: Int64) -> Bool {
        let pool = c.routing!.table.pools[Int(c.pool)]
        if !c.hasTrace {
            c.trace = TraceContextField.outgoing(headers: c.request.headers, source: source, random: &traceRandom).context
            c.hasTrace = true
        }
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        let authority = c.authority.map { UnsafeRawBufferPointer(rebasing: source[Int($0.start)..<Int($0.end)]) } ?? empty
        let head = withUpstreamAuthority(u, otherwise: authority) { authority in
            withRequestID(c, source: source) { requestID in
                renderUpstreamHead(c, pool, source: source, bodyLength: bodyLength, requestID: requestID,
                                   authority: authority)
            }
        }
        switch head {
        case .success(let segment):
            u.sendQueue.append(segment)
            return true
        case .failure(.noRoom):
            respondError(c, status: 503, message: "the proxy has no room left for request heads", code: "out_of_memory")
        case .failure(.tooLarge):
            respondError(c, status: 431, message: "request head too large to forward", code: "header_too_large")
        }
        return false
    }

    /// The head an upstream gets — hop-by-hop fields out; X-Forwarded-*,
    /// the request id and `traceparent` in; the pool's Host (else the
    /// absolute-form authority) and fields — written into a
    /// reference-counted block owned by the returned segment: it lives
    /// exactly until the kernel has read it, even when the upstream is
    /// closed with the send in flight and the client has moved on.
    func renderUpstreamHead(
        _ c: ClientConnection, _ pool: PoolEntry, source: UnsafeRawBufferPointer, bodyLength: Int64,
        requestID: UnsafeRawBufferPointer, authority: UnsafeRawBufferPointer
    ) -> Result<Segment, HeadRenderFailure> {
        guard let block = buffers.takeBlock() else { return .failure(.noRoom) }
        let written = withTraceLine(c.trace) { traceLine in
            c.peerIP.withUnsafeBytes { peer in
                pool.hostHeader.withUnsafeBytes { host in
                    pool.removedFieldNames.withUnsafeBytes { removed in
                        pool.extraFieldLines.withUnsafeBytes { extra in
                            let context = ForwardingContext(
                                clientAddress: peer, proto: .http, requestID: requestID,
                                hostOverride: host.count > 0 ? host : authority, bodyLength: bodyLength,
                                removedFieldNames: removed, extraFieldLines: extra, traceLine: traceLine)
                            return RequestHeadWriter.write(
                                c.request, source: source, context: context,
                                into: UnsafeMutableRawBufferPointer(start: block.base, count: ProvidedBuffers.blockSize))
                        }
                    }
                }
            }
        }
        guard let written else {
            buffers.release(block.bid)
            return .failure(.tooLarge)
        }
        return .success(Segment(base: UnsafeRawPointer(block.base), length: written, bid: Int32(block.bid)))
    }

    /// Calls `body` with the rendered `traceparent: …\r\n` line.
    func withTraceLine<R>(_ trace: TraceContext, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeTemporaryAllocation(byteCount: TraceContext.headerLineLength, alignment: 1) { out in
            let n = trace.writeHeaderLine(into: out) ?? 0
            return body(UnsafeRawBufferPointer(rebasing: out[0..<n]))
        }
    }

    /// The target's path: up to the query.
    static func pathBytes(_ target: ByteRange, source: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var end = Int(target.start)
        while end < Int(target.end) && source[end] != UInt8(ascii: "?") { end += 1 }
        return UnsafeRawBufferPointer(rebasing: source[Int(target.start)..<end])
    }

    /// `/v1/models` from the catalog, on this connection, without an upstream.
    private func answerModelList(_ c: ClientConnection, _ table: RoutingTable, source: UnsafeRawBufferPointer,
                                 headLength: Int) {
        guard c.requestIsHEAD || Self.isGET(c.request, source: source) else {
            return respondError(c, status: 405, message: "use GET for this path", code: "method_not_allowed")
        }
        // A GET with a body is answered, then the connection closes rather
        // than reading the body as the next request.
        if !c.requestBodyDone { c.keepAlive = false }
        c.inbound.consume(headLength, buffers: buffers)
        c.requestHeadIn.count = 0
        c.phase = .exchanging
        c.headerDeadline = 0
        let body = table.modelListBody
        c.responseHeadOut.count = 0
        c.responseHeadOut.reserve(body.count + 256, pool: &arenas)
        var head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        if !c.keepAlive { head += "Connection: close\r\n" }
        head += "\r\n"
        head.withUTF8 { c.responseHeadOut.append(UnsafeRawBufferPointer($0), pool: &arenas) }
        if !c.requestIsHEAD { body.withUnsafeBytes { c.responseHeadOut.append($0, pool: &arenas) } }
        c.sendQueue.append(Segment(base: UnsafeRawPointer(c.responseHeadOut.base!), length: c.responseHeadOut.count,
                                   bid: -1))
        c.responseStarted = true
        recordExchange(c, status: 200)
        guard c.keepAlive && !draining else { return beginClosing(c) }
        finishLocalExchange(c)
    }

    static func isGET(_ head: RequestHead, source: UnsafeRawBufferPointer) -> Bool {
        guard head.method.count == 3, source.count >= Int(head.method.end) else { return false }
        let m = Int(head.method.start)
        return source[m] == UInt8(ascii: "G") && source[m + 1] == UInt8(ascii: "E") && source[m + 2] == UInt8(ascii: "T")
    }

    /// For `http://host:port/path?q`, narrows the target to `/path?q` and
    /// returns the authority's range; nil for every other form (or when the
    /// absolute URI has no path, which is forwarded as it is).
    static func splitAbsoluteForm(_ head: inout RequestHead, source: UnsafeRawBufferPointer) -> ByteRange? {
        let target = head.target
        guard target.count > 0, source[Int(target.start)] != UInt8(ascii: "/") else { return nil }
        var i = Int(target.start)
        let end = Int(target.end)
        // scheme "://"
        while i + 2 < end && !(source[i] == UInt8(ascii: ":") && source[i + 1] == UInt8(ascii: "/")
            && source[i + 2] == UInt8(ascii: "/")) { i += 1 }
        guard i + 2 < end else { return nil }
        let authorityStart = i + 3
        var j = authorityStart
        while j < end && source[j] != UInt8(ascii: "/") && source[j] != UInt8(ascii: "?") { j += 1 }
        guard j < end, source[j] == UInt8(ascii: "/"), j > authorityStart else { return nil }
        head.target = ByteRange(start: j, end: end)
        return ByteRange(start: authorityStart, end: j)
    }

    /// Calls `body` with the request id to add: empty when the client sent
    /// one (it is kept), else a fresh `<prefix><counter>`.
    func withRequestID<R>(_ c: ClientConnection, source: UnsafeRawBufferPointer,
                                  _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let id = c.request.requestID {
            if accessLog != nil && c.requestIDBytes.isEmpty {
                c.requestIDBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: source[Int(id.start)..<Int(id.end)]).prefix(64))
            }
            return body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        // A retry keeps the id its first attempt was sent with.
        if !c.requestIDBytes.isEmpty { return c.requestIDBytes.withUnsafeBytes(body) }
        requestCounter &+= 1
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { out in
            var n = 0
            for b in requestIDPrefix {
                out[n] = b
                n += 1
            }
            n += writeHex(requestCounter, to: UnsafeMutableRawPointer(out.baseAddress! + n))
            let id = UnsafeRawBufferPointer(start: out.baseAddress, count: n)
            c.requestIDBytes.append(contentsOf: id)
            return body(id)
        }
    }

    /// Moves request body bytes from the client's inbound queue to the
    /// upstream's send queue — the same buffers, not copies.
    func pumpRequestBody(_ c: ClientConnection) {
        guard c.upstream >= 0 else { return }
        let u = upstreams[Int(c.upstream)]
        while !c.requestBodyDone, let s = c.inbound.first {
            var take = s.length
            if c.requestChunked {
                switch c.requestChunks.feed(UnsafeRawBufferPointer(start: s.base, count: s.length)) {
                case .needMore: break
                case .done(let consumed):
                    take = consumed
                    c.requestBodyDone = true
                case .failure(let e):
                    return requestBodyFailed(c, e)
                }
            } else {
                take = Int(min(Int64(s.length), c.requestRemaining))
                c.requestRemaining -= Int64(take)
                c.requestBodyDone = c.requestRemaining == 0
            }
            if s.bid >= 0 { buffers.retain(UInt16(s.bid)) }
            u.sendQueue.append(Segment(base: s.base, length: take, bid: s.bid))
            c.inbound.consume(take, buffers: buffers)
            if c.requestBodyDone { restartAnswerWait(c) }
        }
        flushUpstream(u)
    }

    /// A malformed chunked body: the upstream has a partial request, so both
    /// connections go. The client hears why if no response has started.
    private func requestBodyFailed(_ c: ClientConnection, _ e: HTTPParseError) {
        if c.responseStarted {
            closeClient(c, graceful: false)
        } else {
            rejectRequest(c, e)
        }
    }

    func rejectRequest(_ c: ClientConnection, _ e: HTTPParseError) {
        detachUpstream(c)
        c.responseHeadOut.count = 0
        c.responseHeadOut.reserve(1024, pool: &arenas)
        if let n = OpenAIErrorBody.writeResponse(for: e, close: true, into: c.responseHeadOut.spare) {
            c.responseHeadOut.count = n
            c.sendQueue.append(Segment(base: UnsafeRawPointer(c.responseHeadOut.base!), length: n, bid: -1))
        }
        beginClosing(c)
    }

    /// Answers with an OpenAI-style error and closes: used only before any
    /// byte of a response has gone to the client.
    func respondError(_ c: ClientConnection, status: Int, message: StaticString, code: StaticString,
                      keepOpen: Bool = false) {
        message.withUTF8Buffer {
            respondError(c, status: status, message: UnsafeRawBufferPointer($0), code: code, keepOpen: keepOpen)
        }
    }

    /// `keepOpen`: the request was read whole and no upstream bytes are
    /// pending, so the connection can serve the next request (a 404 for an
    /// unknown model need not cost the client a reconnect).
    func respondError(_ c: ClientConnection, status: Int, message: UnsafeRawBufferPointer, code: StaticString,
                      keepOpen: Bool) {
        recordExchange(c, status: status)
        detachUpstream(c)
        guard !c.responseStarted, c.phase == .awaitingHead || c.phase == .exchanging else {
            return closeClient(c, graceful: false)
        }
        let keep = keepOpen && c.keepAlive && c.requestBodyDone && !draining
        c.responseHeadOut.count = 0
        c.responseHeadOut.reserve(1024 + message.count, pool: &arenas)
        if let n = OpenAIErrorBody.writeResponse(
            status: status, message: message, type: OpenAIErrorBody.errorType(forStatus: status), code: code,
            close: !keep, extraHeaderLines: c.routeLine.bytes, into: c.responseHeadOut.spare)
        {
            c.responseHeadOut.count = n
            c.sendQueue.append(Segment(base: UnsafeRawPointer(c.responseHeadOut.base!), length: n, bid: -1))
        }
        c.responseStarted = true
        guard keep else { return beginClosing(c) }
        finishLocalExchange(c)
    }

    /// The proxy answered the request itself: the connection waits for the
    /// next request (read once the answer has left, as pipelining requires).
    func finishLocalExchange(_ c: ClientConnection) {
        releaseAdmission(c)
        flushClient(c)
        c.held.release(buffers)
        c.requestHeadIn.count = 0
        awaitNextRequest(c)
    }

    /// Keep-alive: the exchange is over and the connection waits (with its
    /// idle clock running) for the next request head.
    func awaitNextRequest(_ c: ClientConnection) {
        c.phase = .awaitingHead
        c.resetExchange()
        c.request.reset()
        c.keepAliveDeadline = now + settings.keepAliveTimeoutMs * 1_000_000
        scheduleClientTimer(c)
        driveClient(c)
    }
}

/// Why an upstream head could not be rendered.
enum HeadRenderFailure: Error {
    /// No block id was free.
    case noRoom
    /// It does not fit a block.
    case tooLarge
}
