import RingwayHTTP
import RingwayIO

/// Deadlines. Each connection has one wheel entry at its earliest deadline;
/// deadlines that move later (a stream's idle clock on every chunk) are only
/// written to the connection, and the entry catches up when it fires.
extension Worker {
    func scheduleClientTimer(_ c: ClientConnection) {
        let d = c.earliestDeadline
        if d == 0 {
            clientTimers.cancel(c.slot)
        } else if let current = clientTimers.deadline(of: c.slot), current <= d {
            return
        } else {
            clientTimers.schedule(c.slot, at: d)
        }
    }

    func scheduleUpstreamTimer(_ u: UpstreamConnection) {
        let d = earliest(u.connectDeadline, u.idleDeadline)
        if d == 0 {
            upstreamTimers.cancel(u.slot)
        } else if let current = upstreamTimers.deadline(of: u.slot), current <= d {
            return
        } else {
            upstreamTimers.schedule(u.slot, at: d)
        }
    }

    func sweepTimers() {
        expired.removeAll(keepingCapacity: true)
        clientTimers.advance(to: now, expired: &expired)
        for slot in expired { onClientTimer(clients[Int(slot)]) }
        expired.removeAll(keepingCapacity: true)
        upstreamTimers.advance(to: now, expired: &expired)
        for slot in expired { onUpstreamTimer(upstreams[Int(slot)]) }
    }

    private func due(_ deadline: UInt64) -> Bool { deadline != 0 && deadline <= now }

    private func onClientTimer(_ c: ClientConnection) {
        guard c.phase != .closed else { return }
        if due(c.lingerDeadline) { return closeClient(c, graceful: false) }
        if due(c.headerDeadline) {
            c.headerDeadline = 0
            // Bytes of a head that never completed: a slow or stuck client.
            if !c.inbound.isEmpty || c.requestHeadIn.count > 0 {
                return respondError(c, status: 408, message: "request head not received in time",
                                    code: "request_timeout")
            }
            return closeClient(c, graceful: false)
        }
        if due(c.keepAliveDeadline) {
            c.keepAliveDeadline = 0
            if c.phase == .awaitingHead && c.inbound.isEmpty && c.sendQueue.isIdle {
                return closeClient(c, graceful: false)
            }
        }
        if due(c.firstByteDeadline) && c.holdingBody {
            c.firstByteDeadline = 0
            return respondError(c, status: 408, message: "request body not received in time", code: "request_timeout")
        }
        if due(c.firstByteDeadline) && !c.responseHeadDone {
            c.firstByteDeadline = 0
            return attemptFailed(c, .timeout, status: 504,
                                 message: "upstream did not respond within the first-byte timeout",
                                 code: "upstream_timeout")
        }
        if due(c.commitDeadline) { commitResponse(c) }
        if due(c.retryDeadline) {
            c.retryDeadline = 0
            return c.waitingAdmission ? admissionTimedOut(c) : dispatchAttempt(c)
        }
        if due(c.streamIdleDeadline) {
            c.streamIdleDeadline = 0
            return cutResponse(c, message: "upstream stream went idle past the stream idle timeout",
                               code: "stream_idle_timeout")
        }
        if due(c.streamTotalDeadline) {
            c.streamTotalDeadline = 0
            return cutResponse(c, message: "stream exceeded the total stream timeout", code: "stream_timeout")
        }
        if due(c.pingDeadline) { sendPing(c) }
        scheduleClientTimer(c)
    }

    /// `: ping` while the upstream is silent before its first body byte,
    /// inserted only between chunks so the client's framing stays intact.
    private func sendPing(_ c: ClientConnection) {
        c.pingDeadline = 0
        guard c.phase == .exchanging, c.responseHeadDone, c.responseBodyBytes == 0 else { return }
        switch c.responseFraming {
        case .chunked:
            guard c.responseChunks.isAtChunkBoundary else { return }
            c.sendQueue.append(StaticBytes.pingChunk)
        case .untilClose:
            c.sendQueue.append(StaticBytes.pingRaw)
        default: return
        }
        flushClient(c)
        c.pingDeadline = now + settings.ssePingMs * 1_000_000
    }

    private func onUpstreamTimer(_ u: UpstreamConnection) {
        if due(u.connectDeadline) && u.phase == .connecting {
            let client = u.client
            if client >= 0 {
                attemptFailed(clients[Int(client)], .timeout, status: 504, message: "upstream connect timed out",
                              code: "upstream_connect_timeout")
            }
            closeUpstream(u)
            return
        }
        if due(u.idleDeadline) && (u.phase == .idle || u.shadow != nil) { return closeUpstream(u) }
        scheduleUpstreamTimer(u)
    }
}
