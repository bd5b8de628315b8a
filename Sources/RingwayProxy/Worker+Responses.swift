import CRingwayEngine
import Glibc
import RingwayHTTP
import RingwayIO

/// The response half of an exchange: head rewrite, body relay, stream ends.
extension Worker {
    func onUpstreamRecv(_ u: UpstreamConnection, _ res: Int32, flags: UInt32) {
        u.recv.complete(flags: flags)
        if res > 0 {
            let bid = UInt16(truncatingIfNeeded: flags >> RW_CQE_BUFFER_SHIFT)
            buffers.adopt(bid)
            if let tls = u.tls {
                onTLSUpstreamBytes(u, tls, bid: bid, count: Int(res))
            } else {
                deliverResponseBytes(u, base: UnsafeRawPointer(buffers.pointer(bid)), bid: bid, count: Int(res))
                buffers.release(bid)
            }
        } else if res == -ENOBUFS {
            if u.recv.wanted { starvedUpstreams.append(u.slot) }
            return
        } else if res != -ECANCELED {
            if let tls = u.tls, !tls.handshakeDone, u.phase == .connecting {
                tlsHandshakeFailed(u, TLSError(res == 0 ? "the server closed the connection during the handshake"
                    : "the connection failed during the handshake: \(String(cString: strerror(-res)))"))
            } else {
                onUpstreamGone(u, error: res)
            }
        }
        // A connecting connection wants data only while its TLS handshake runs.
        if u.phase != .closed { u.recv.rearmIfWanted(fd: u.fd, ud(.upstreamRecv, u), on: backend) }
        if u.phase == .closed { releaseUpstreamSlotIfDone(u) }
    }

    /// Response bytes to whoever reads this connection: the client's
    /// exchange, a shadow, or nobody (an idle connection). `bid` is the
    /// reference-counted buffer or block that holds them: a receive buffer
    /// for plaintext, a decrypted block for TLS.
    func deliverResponseBytes(_ u: UpstreamConnection, base: UnsafeRawPointer, bid: UInt16, count: Int) {
        if u.phase == .busy && u.client >= 0 {
            relayResponseBytes(clients[Int(u.client)], u, base: base, bid: bid, count: count)
        } else if u.phase == .busy, let shadow = u.shadow {
            consumeShadowBytes(u, shadow, base: base, count: count)
        } else if u.phase == .idle {
            // A pooled connection must be silent; bytes now mean it is
            // out of step with the server.
            closeUpstream(u)
        }
    }

    /// `base` points into the buffer or block `bid`, which the caller holds
    /// for the call; queued slices retain it themselves.
    private func relayResponseBytes(_ c: ClientConnection, _ u: UpstreamConnection, base: UnsafeRawPointer, bid: UInt16,
                                    count: Int) {
        var base = base
        var count = count
        if c.streamIdleDeadline != 0 { c.streamIdleDeadline = now + settings.streamIdleTimeoutMs * 1_000_000 }
        if c.firstByteNs == 0 { c.firstByteNs = now }
        while !c.responseHeadDone {
            c.firstByteDeadline = 0
            let result: HeadParseResult
            let source: UnsafeRawBufferPointer
            let before = c.responseHeadIn.count
            if before == 0 {
                source = UnsafeRawBufferPointer(start: base, count: count)
                result = ResponseHeadParser.parse(source, requestWasHEAD: c.requestIsHEAD, limits: settings.limits,
                                                  into: &c.response)
                if case .incomplete = result {
                    c.responseHeadIn.append(source, pool: &arenas)
                    return
                }
            } else {
                let take = min(count, settings.limits.maxHeaderBytes + 1 - before)
                c.responseHeadIn.append(UnsafeRawBufferPointer(start: base, count: take), pool: &arenas)
                source = c.responseHeadIn.bytes
                result = ResponseHeadParser.parse(source, requestWasHEAD: c.requestIsHEAD, limits: settings.limits,
                                                  into: &c.response)
            }
            switch result {
            case .incomplete: return
            case .failure:
                return respondError(c, status: 502, message: "upstream sent a malformed response head",
                                    code: "bad_upstream_response")
            case .complete(let headLength):
                let bodyOffset = headLength - before
                if c.response.isInformational {
                    // 1xx interim responses are absorbed: Expect was answered
                    // by us, and a switch of protocols is not relayed.
                    if c.response.status == 101 {
                        return respondError(c, status: 502, message: "upstream switched protocols",
                                            code: "bad_upstream_response")
                    }
                    c.responseHeadIn.count = 0
                    base += bodyOffset
                    count -= bodyOffset
                    if count == 0 { return }
                    continue
                }
                if Self.isRetryableStatus(c.response.status) && canRetry(c) && hasAlternative(c) {
                    // Nothing of this answer has reached the client: another
                    // endpoint or model gets the request instead.
                    c.responseHeadIn.count = 0
                    c.firstByteNs = 0
                    return attemptFailed(c, c.response.status == 429 ? .rateLimited : .serverError, status: 502,
                                         message: "upstream failed", code: "upstream_error")
                }
                guard sendResponseHead(c, u, source: source) else { return }
                base += bodyOffset
                count -= bodyOffset
            }
        }
        guard !c.responseDone else { return }
        if c.stripping.active { return relayStrippedResponse(c, u, base: base, count: count, bid: bid) }
        var take = count
        var done = false
        switch c.responseFraming {
        case .contentLength:
            take = Int(min(Int64(count), c.responseRemaining))
            c.responseRemaining -= Int64(take)
            done = c.responseRemaining == 0
        case .chunked:
            switch c.responseChunks.feed(UnsafeRawBufferPointer(start: base, count: count)) {
            case .needMore: break
            case .done(let consumed):
                take = consumed
                done = true
            case .failure:
                return cutResponse(c, message: "upstream sent malformed chunked framing", code: "bad_upstream_response")
            }
        case .untilClose: break
        case .none:
            take = 0
            done = true
        }
        if take < count { u.reusable = false }
        if take > 0 {
            buffers.retain(bid)
            responseQueue(c).append(Segment(base: base, length: take, bid: Int32(bid)))
            noteRelayedBody(c, UnsafeRawBufferPointer(start: base, count: take))
        }
        flushClient(c)
        if done { finishResponse(c, u) } else { updateUpstreamPressure(u, c) }
    }

    /// Body bytes as the upstream sent them (framing included) were relayed:
    /// the clocks, counts and scanners that read the answer see them.
    func noteRelayedBody(_ c: ClientConnection, _ slice: UnsafeRawBufferPointer) {
        // Event ends are counted once, for the pre-commit window and the
        // stream timing both, and only when one of them needs them.
        var events = 0
        if c.isEventStream && (c.holdingResponse || (c.routing ?? routing).metrics != nil) {
            events = Self.countEventEnds(slice, carry: &c.lastStreamByte)
        }
        if c.holdingResponse { noteHeldEvents(c, events) }
        if c.isModelRoute { c.usage.feed(slice) }
        if c.requestStartedAt > 0 { noteStreamEvents(c, events) }
        endAwaitingAnswer(c, began: true)
        c.responseBodyBytes += Int64(slice.count)
        c.pingDeadline = 0
    }

    /// Rewrites the upstream's head for the client and queues it. Returns
    /// false when the exchange ended instead.
    private func sendResponseHead(_ c: ClientConnection, _ u: UpstreamConnection, source: UnsafeRawBufferPointer) -> Bool {
        let r = c.response
        if !r.keepAlive { u.reusable = false }
        let closeAfter = !c.keepAlive || r.framing == .untilClose || draining || !c.requestBodyDone && r.status >= 400
        if closeAfter { c.keepAlive = false }
        c.responseHeadOut.count = 0
        c.responseHeadOut.reserve(source.count + 256, pool: &arenas)
        guard let n = ResponseHeadWriter.write(
            r, source: source, closeAfter: closeAfter, extraHeaderLines: c.routeLine.bytes,
            into: c.responseHeadOut.spare)
        else {
            respondError(c, status: 502, message: "upstream response head too large", code: "bad_upstream_response")
            return false
        }
        c.responseHeadOut.count = n
        c.responseHeadIn.count = 0
        let held = beginsHeld(c)
        responseQueue(c).append(Segment(base: UnsafeRawPointer(c.responseHeadOut.base!), length: n, bid: -1))
        c.responseHeadDone = true
        c.responseStarted = !held
        c.responseFraming = r.framing
        c.isEventStream = r.isEventStream
        beginUsageStripping(c, r)
        switch r.framing {
        case .contentLength(let n): c.responseRemaining = n
        case .chunked:
            var unlimited = settings.limits
            unlimited.maxBodyBytes = .max
            c.responseChunks = ChunkedFraming(limits: unlimited)
        default: break
        }
        // Streams get their own clocks once the head is in.
        if settings.streamIdleTimeoutMs > 0 { c.streamIdleDeadline = now + settings.streamIdleTimeoutMs * 1_000_000 }
        if settings.streamTotalTimeoutMs > 0 {
            c.streamTotalDeadline = now + settings.streamTotalTimeoutMs * 1_000_000
        }
        if settings.ssePingMs > 0 && r.isEventStream && r.framing != .none {
            c.pingDeadline = now + settings.ssePingMs * 1_000_000
        }
        scheduleClientTimer(c)
        if r.framing == .none { flushClient(c) }
        return true
    }

    /// The response is complete: the upstream connection goes back to the
    /// pool if it is clean, and the client waits for its next request.
    func finishResponse(_ c: ClientConnection, _ u: UpstreamConnection) {
        if c.stripping.active {
            finishUsageStripping(c)
            if !c.holdingResponse { flushClient(c) }
        }
        if c.holdingResponse {
            if absorbsContextLengthError(c) { return }
            commitResponse(c)
        }
        settleAttempt(c, c.response.status >= 500 ? .serverError : c.response.status == 429 ? .rateLimited : .success)
        recordExchange(c, status: c.response.status)
        c.held.release(buffers)
        c.requestHeadIn.count = 0
        releaseAdmission(c)
        c.responseDone = true
        c.upstream = -1
        u.client = -1
        if u.reusable && c.requestBodyDone && u.sendQueue.isIdle && !draining {
            releaseToPool(u)
        } else {
            closeUpstream(u)
        }
        if !c.requestBodyDone { c.keepAlive = false }
        guard c.keepAlive && !draining else { return beginClosing(c) }
        awaitNextRequest(c)
    }

    static func isRetryableStatus(_ status: Int) -> Bool {
        status == 429 || status == 500 || status == 502 || status == 503 || status == 504
    }

    /// Whether a retry has somewhere to go: an untried endpoint of the pool
    /// or a next model in the chain.
    func hasAlternative(_ c: ClientConnection) -> Bool {
        guard let table = c.routing?.table, c.pool >= 0 else { return false }
        if c.tried.count < table.pools[Int(c.pool)].endpointRange.count { return true }
        guard c.chainModel >= 0 else { return false }
        return c.chainStep < table.models[Int(c.chainModel)].fallbacks.count
    }

    /// EOF or an error from the upstream.
    func onUpstreamGone(_ u: UpstreamConnection, error: Int32) {
        u.reusable = false
        if let shadow = u.shadow {
            // A close-delimited answer ends at EOF; anything else is cut.
            return finishShadow(u, shadow, failed: !(shadow.headDone && shadow.framing == .untilClose && error == 0))
        }
        guard u.phase == .busy || u.phase == .connecting, u.client >= 0 else { return closeUpstream(u) }
        let c = clients[Int(u.client)]
        if c.holdingResponse && c.responseFraming == .untilClose && error == 0 {
            // A close-delimited answer that ended inside the window is whole.
            return finishResponse(c, u)
        }
        if c.holdingResponse {
            // Broke inside the pre-commit window: nothing reached the client.
            abandonHeldResponse(c)
            return attemptFailed(c, .serverError, status: 502, message: "upstream closed the stream as it began",
                                 code: "upstream_disconnected")
        }
        if !c.responseHeadDone {
            attemptFailed(c, .serverError, status: 502,
                          message: error == 0 ? "upstream closed the connection before responding"
                              : "upstream reset the connection before responding",
                          code: "upstream_disconnected")
        } else if c.responseFraming == .untilClose {
            finishResponse(c, u)
        } else {
            cutResponse(c, message: "upstream closed the connection mid-response", code: "upstream_disconnected")
        }
    }

    /// A response that started cannot be answered with an error status any
    /// more. The client must still learn it is incomplete: the connection is
    /// closed without the framing's end, and an event stream first gets one
    /// `data: {"error":…}` event, which OpenAI's SDKs raise as an error.
    func cutResponse(_ c: ClientConnection, message: StaticString, code: StaticString) {
        if c.holdingResponse {
            abandonHeldResponse(c)
            return attemptFailed(c, .serverError, status: 502, message: message, code: code)
        }
        // A re-framed answer only ever holds whole chunks.
        let atChunkBoundary = c.stripping.active || c.responseChunks.isAtChunkBoundary
        releaseUsageStripping(c)
        settleAttempt(c, .serverError)
        // The client got a status but not the whole answer: a failure.
        recordExchange(c, status: 502)
        detachUpstream(c)
        if c.isEventStream { appendStreamErrorEvent(c, atChunkBoundary: atChunkBoundary, message: message, code: code) }
        c.keepAlive = false
        beginClosing(c)
    }

    private func appendStreamErrorEvent(_ c: ClientConnection, atChunkBoundary: Bool, message: StaticString,
                                        code: StaticString) {
        let chunked: Bool
        switch c.responseFraming {
        case .chunked:
            // Mid-chunk, our bytes would be read as the rest of that chunk.
            guard atChunkBoundary else { return }
            chunked = true
        case .untilClose: chunked = false
        default: return
        }
        // Written behind the response head in its arena, never reallocating:
        // queued segments point into it.
        let spare = c.responseHeadOut.spare
        guard spare.count >= 512 else { return }
        let eventStart = chunked ? 8 : 0
        let event = UnsafeMutableRawBufferPointer(rebasing: spare[eventStart..<(spare.count - 2)])
        guard let n = OpenAIErrorBody.writeStreamErrorEvent(
            message: message, type: "server_error", code: code, into: event)
        else { return }
        var total = n
        if chunked {
            // "<6 hex digits>\r\n" in front, "\r\n" behind.
            var v = n
            for i in stride(from: 5, through: 0, by: -1) {
                spare[i] = hexDigits[v & 15]
                v >>= 4
            }
            spare[6] = 0x0D
            spare[7] = 0x0A
            spare[8 + n] = 0x0D
            spare[9 + n] = 0x0A
            total = n + 10
        }
        c.sendQueue.append(Segment(base: UnsafeRawPointer(spare.baseAddress!), length: total, bid: -1))
        c.responseHeadOut.count += total
    }
}
