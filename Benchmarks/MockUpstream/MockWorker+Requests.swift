import RingwayHTTP
import RingwayIO

/// The request half: heads (parsed where the kernel put them), bodies (read,
/// scanned or hashed, never kept), routing.
extension MockWorker {
    /// Output waiting for a slow reader beyond which pipelined requests wait.
    static let outputHighWater = 256 * 1024
    /// How much of a body that spans buffers is gathered for the field scan.
    static let scanWindowBytes = 64 * 1024

    /// Advances a connection as far as its input allows. Iterative, so a
    /// thousand pipelined requests in one buffer cost no stack.
    func drive(_ c: MockConnection) {
        while true {
            switch c.phase {
            case .head:
                guard !c.inboundIsEmpty, c.outputPending < Self.outputHighWater, parseHead(c) else {
                    flush(c)
                    return updateInboundPressure(c)
                }
            case .body:
                consumeBody(c)
                if c.phase == .body { return updateInboundPressure(c) }
            case .responding:
                return updateInboundPressure(c)
            case .hanging, .closing, .closed:
                return discardInbound(c)
            }
        }
    }

    /// Parses the next request head; true when a request has started.
    func parseHead(_ c: MockConnection) -> Bool {
        if c.carry.isEmpty {
            // Common case: the whole head is in the first buffer.
            let s = c.inbound[c.inboundHead]
            switch RequestHeadParser.parse(UnsafeRawBufferPointer(start: s.base, count: s.length), limits: limits,
                                           into: &c.request) {
            case .complete(let n):
                startRequest(c, source: s.base)
                consumeInbound(c, n)
                return true
            case .failure(let error):
                rejectHead(c, error)
                return false
            case .incomplete:
                c.headEnd.reset()
            }
        }
        // The head spans buffers: gather it (only it) into the carry.
        while !c.inboundIsEmpty {
            let s = c.inbound[c.inboundHead]
            let end = c.headEnd.scan(s.base, s.length)
            let take = end ?? s.length
            guard c.carry.count &+ take <= limits.maxHeaderBytes else {
                rejectHead(c, .headerTooLarge)
                return false
            }
            c.carry.append(s.base, take)
            consumeInbound(c, take)
            guard end != nil else { continue }
            switch RequestHeadParser.parse(c.carry.bytes, limits: limits, into: &c.request) {
            case .complete(let n):
                guard n == c.carry.count else {
                    rejectHead(c, HTTPParseError(status: 400, message: "malformed request head", code: "bad_head"))
                    return false
                }
                startRequest(c, source: UnsafeRawPointer(c.carry.base))
                c.carry.removeAll()
                return true
            case .failure(let error):
                rejectHead(c, error)
                return false
            case .incomplete:
                continue  // the blank line was a leading empty line
            }
        }
        return false
    }

    /// Takes from the head everything the exchange needs (the head's bytes
    /// are released right after) and sets up reading the body.
    func startRequest(_ c: MockConnection, source: UnsafeRawPointer) {
        let head = c.request
        c.sequence &+= 1
        stats.countRequest()
        let method = UnsafeRawBufferPointer(start: source + Int(head.method.start), count: head.method.count)
        let target = UnsafeRawBufferPointer(start: source + Int(head.target.start), count: head.target.count)
        let (pathStart, pathEnd) = Self.pathBounds(target)
        let path = UnsafeRawBufferPointer(rebasing: target[pathStart..<pathEnd])
        c.endpoint = Self.route(method: method, path: path)
        c.isHEAD = head.isHEAD
        c.keepAlive = head.keepAlive
        c.shape = RequestShape(defaults: settings)
        c.shape.read(head, source: source)

        c.requestLine.removeAll()
        c.methodCount = method.count
        c.requestLine.append(UnsafeRawBufferPointer(rebasing: method.prefix(32)))
        c.requestLine.append(byte: UInt8(ascii: " "))
        c.requestLine.append(UnsafeRawBufferPointer(rebasing: target.prefix(220)))
        if !c.endpoint.isControl { requestLog.record(method, target, stamp: now) }

        switch head.framing {
        case .contentLength(let n):
            c.bodyChunked = false
            c.bodyRemaining = n
            c.bodyDone = n == 0
        case .chunked:
            c.bodyChunked = true
            c.chunked.reset()
            c.bodyDone = false
        case .none, .untilClose:
            c.bodyChunked = false
            c.bodyRemaining = 0
            c.bodyDone = true
        }
        c.bodyLength = 0
        c.fieldsScanned = false
        c.fields = BodyFields()
        c.scanWindow.removeAll()

        switch c.endpoint {
        case .echo:
            startEcho(c, method: method, target: target, source: source)
        case .bytes:
            let query = pathEnd < target.count
                ? UnsafeRawBufferPointer(rebasing: target[(pathEnd + 1)...]) : UnsafeRawBufferPointer(start: nil, count: 0)
            readBytesQuery(c, query)
        default:
            break
        }
        if head.expectsContinue {
            c.filling.append("HTTP/1.1 100 Continue\r\n\r\n")
            flush(c)
        }
        c.phase = .body
    }

    /// The path of an origin-form or absolute-form target, without the query.
    static func pathBounds(_ target: UnsafeRawBufferPointer) -> (Int, Int) {
        var start = 0
        if let first = target.first, first != UInt8(ascii: "/") {
            // absolute-form: skip "scheme://authority".
            var i = 0
            while i + 2 < target.count && !(target[i] == UInt8(ascii: ":") && target[i + 1] == UInt8(ascii: "/")
                && target[i + 2] == UInt8(ascii: "/")) { i += 1 }
            i += 3
            while i < target.count && target[i] != UInt8(ascii: "/") { i += 1 }
            start = min(i, target.count)
        }
        var end = start
        while end < target.count && target[end] != UInt8(ascii: "?") { end += 1 }
        return (start, end)
    }

    static func route(method: UnsafeRawBufferPointer, path: UnsafeRawBufferPointer) -> Endpoint {
        let m = method.baseAddress!
        let isGET = exactEquals(m, method.count, "GET") || exactEquals(m, method.count, "HEAD")
        let isPOST = exactEquals(m, method.count, "POST")
        guard let p = path.baseAddress else { return .notFound }
        let n = path.count
        switch n {
        case 20 where isPOST && exactEquals(p, n, "/v1/chat/completions"): return .chat
        case 15 where isPOST && exactEquals(p, n, "/v1/completions"): return .completions
        case 14 where isPOST && exactEquals(p, n, "/v1/embeddings"): return .embeddings
        case 10 where isGET && exactEquals(p, n, "/v1/models"): return .models
        case 7 where exactEquals(p, n, "/health"): return .health
        case 8 where isGET && exactEquals(p, n, "/metrics"): return .metrics
        case 6 where isGET && exactEquals(p, n, "/bytes"): return .bytes
        case 5 where exactEquals(p, n, "/echo"): return .echo
        case 11 where exactEquals(p, n, "/__requests")
            && (exactEquals(m, method.count, "GET") || exactEquals(m, method.count, "DELETE")): return .requestLog
        case 10 where exactEquals(p, n, "/__aborted"): return .abortLog
        default: return .notFound
        }
    }

    /// Reads body bytes as they arrive; dispatches the request at its end.
    func consumeBody(_ c: MockConnection) {
        while c.phase == .body {
            if c.bodyDone { return completeBody(c) }
            guard !c.inboundIsEmpty else { return }
            let s = c.inbound[c.inboundHead]
            if !c.bodyChunked {
                let take = Int(min(Int64(s.length), c.bodyRemaining))
                bodyData(c, s.base, take, whole: c.bodyLength == 0 && Int64(take) == c.bodyRemaining)
                c.bodyRemaining &-= Int64(take)
                consumeInbound(c, take)
                if c.bodyRemaining == 0 { c.bodyDone = true }
                continue
            }
            var offset = 0
            decoding: while true {
                switch c.chunked.next(s.base, count: s.length, offset: &offset) {
                case .data(let at, let n):
                    bodyData(c, s.base + at, n, whole: false)
                case .needMore:
                    break decoding
                case .done:
                    c.bodyDone = true
                    break decoding
                case .failure(let why):
                    consumeInbound(c, offset)
                    return respondBadRequest(c, why)
                }
            }
            consumeInbound(c, offset)
        }
    }

    /// One slice of body data. `whole`: it is the entire body, scanned where
    /// it lies; otherwise the first 64 KiB are gathered for a scan at the end.
    @inline(__always) func bodyData(_ c: MockConnection, _ p: UnsafeRawPointer, _ n: Int, whole: Bool) {
        c.bodyLength &+= n
        if c.endpoint == .echo { c.digest?.update(p, n) }
        guard c.endpoint.scansBody, !c.fieldsScanned else { return }
        if whole {
            scanFields(c, p, n)
        } else {
            let room = Self.scanWindowBytes &- c.scanWindow.count
            if room > 0 { c.scanWindow.append(p, min(n, room)) }
        }
    }

    func scanFields(_ c: MockConnection, _ p: UnsafeRawPointer, _ n: Int) {
        c.fields = BodyFieldScanner.scan(p, count: n)
        c.fieldsScanned = true
        c.model.removeAll()
        if c.fields.modelCount >= 0 && c.fields.modelCount <= 256 {
            c.model.append(p + c.fields.modelStart, c.fields.modelCount)
        } else {
            c.model.append(defaultModel)
        }
    }

    func completeBody(_ c: MockConnection) {
        if c.endpoint.scansBody && !c.fieldsScanned {
            scanFields(c, UnsafeRawPointer(c.scanWindow.base), c.scanWindow.count)
        }
        c.scanWindow.removeAll()
        c.scanWindow.shrink(ifAbove: 4096, to: 16)
        dispatchRequest(c)
    }

    /// A head the strict parser refused: the fixture's 400 shape, then close.
    func rejectHead(_ c: MockConnection, _ error: HTTPParseError) {
        c.keepAlive = false
        message.removeAll()
        message.append("mock: ")
        message.append(error.message)
        respondError(c, status: error.status, message: message.bytes, type: "mock_error", code: nil)
        beginClosing(c, reset: false)
    }

    func respondBadRequest(_ c: MockConnection, _ why: StaticString) {
        c.keepAlive = false
        message.removeAll()
        message.append("mock: ")
        message.append(why)
        respondError(c, status: 400, message: message.bytes, type: "mock_error", code: nil)
        beginClosing(c, reset: false)
    }
}
