import CRingwayEngine
import Glibc
import RingwayIO

/// Accepting, receiving from and closing client connections.
extension Worker {
    func armAccept() {
        guard accepting, !acceptArmed else { return }
        acceptArmed = true
        backend.acceptMultishot(fd: listenFD, UserData(tag: OpTag.accept.rawValue, slot: 0, generation: 0))
    }

    func onAccept(_ res: Int32, flags: UInt32) {
        if flags & RW_CQE_F_MORE == 0 {
            acceptArmed = false
            // Out of descriptors or memory: re-arming at once would spin on
            // the same error; try again a little later instead.
            if res == -EMFILE || res == -ENFILE || res == -ENOMEM || res == -ENOBUFS {
                acceptRetryAt = now + 50_000_000
            } else {
                armAccept()
            }
        }
        guard res >= 0 else { return }
        let fd = res
        guard accepting, openClients < settings.maxClientConnectionsPerWorker else {
            backend.closeNow(fd: fd)
            return
        }
        let c = allocateClient()
        c.fd = fd
        c.phase = .awaitingHead
        c.keepAlive = true
        c.resetExchange()
        // TCP_NODELAY is inherited from the listener (set in rw_listen_tcp).
        capturePeerIP(c)
        openClients += 1
        routing.metrics?.activeConnectionsDelta(1)
        c.headerDeadline = now + settings.headerTimeoutMs * 1_000_000
        scheduleClientTimer(c)
        resumeClientRecv(c)
    }

    private func capturePeerIP(_ c: ClientConnection) {
        c.peerIP.removeAll(keepingCapacity: true)
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { text in
            let n = backend.peerIPText(fd: c.fd, into: text)
            guard n > 0 else { return }
            for i in 0..<Int(n) { c.peerIP.append(UInt8(bitPattern: text[i])) }
        }
        // A Unix-socket or vanished peer still needs a well-formed value.
        if c.peerIP.isEmpty { c.peerIP.append(contentsOf: "unknown".utf8) }
    }

    private func allocateClient() -> ClientConnection {
        if let slot = freeClients.popLast() { return clients[Int(slot)] }
        let c = ClientConnection(slot: Int32(clients.count))
        clients.append(c)
        return c
    }

    func pauseClientRecv(_ c: ClientConnection) {
        c.recv.pause(ud(.clientRecv, c), cancelledBy: ud(.ignored, c), on: backend)
    }

    func resumeClientRecv(_ c: ClientConnection) {
        c.recv.resume(fd: c.fd, ud(.clientRecv, c), on: backend)
    }

    func onClientRecv(_ c: ClientConnection, _ res: Int32, flags: UInt32) {
        c.recv.complete(flags: flags)
        if res > 0 {
            let bid = UInt16(truncatingIfNeeded: flags >> RW_CQE_BUFFER_SHIFT)
            buffers.adopt(bid)
            switch c.phase {
            case .awaitingHead, .exchanging:
                c.inbound.append(Segment(base: buffers.pointer(bid), length: Int(res), bid: Int32(bid)))
                driveClient(c)
            default:
                // Closing: input is read only so the close is not a reset.
                buffers.release(bid)
            }
        } else if res == -ENOBUFS {
            if c.recv.wanted { starvedClients.append(c.slot) }
            return
        } else if res != -ECANCELED {
            return onClientGone(c)
        }
        if c.phase != .closed { c.recv.rearmIfWanted(fd: c.fd, ud(.clientRecv, c), on: backend) }
        if c.phase == .closed { releaseClientSlotIfDone(c) }
    }

    /// EOF or an error from the client: whatever is in flight for it is
    /// dropped at once, upstream request included.
    func onClientGone(_ c: ClientConnection) {
        closeClient(c, graceful: false)
    }

    /// Marks the client's queue for sending at the end of this loop turn.
    /// Nothing reaches the kernel before the turn's submit anyway, and by
    /// then every completion of the batch has been relayed: a response head
    /// and the first events behind it, which the upstream's packets often
    /// split over several completions, leave in one `sendmsg` instead of a
    /// head now and the events one send completion (one more wake-up of the
    /// client) later.
    func flushClient(_ c: ClientConnection) {
        guard !c.flushPending else { return }
        c.flushPending = true
        pendingClientFlushes.append(c.slot)
    }

    /// The end of a loop turn: every client marked by `flushClient` sends
    /// what it has queued (one send in flight per client, as always).
    func flushPendingClients() {
        guard !pendingClientFlushes.isEmpty else { return }
        for slot in pendingClientFlushes { sendMarkedBytes(clients[Int(slot)]) }
        pendingClientFlushes.removeAll(keepingCapacity: true)
    }

    private func sendMarkedBytes(_ c: ClientConnection) {
        guard c.flushPending else { return }
        c.flushPending = false
        switch c.phase {
        case .awaitingHead, .exchanging, .closing: c.sendQueue.flush(fd: c.fd, backend: backend, ud(.clientSend, c))
        default: break
        }
    }

    func onClientSent(_ c: ClientConnection, _ res: Int32) {
        guard res >= 0 else {
            c.sendQueue.sendFailed()
            c.sendQueue.discard(buffers: buffers)
            if c.phase == .closed { releaseClientSlotIfDone(c) } else { onClientGone(c) }
            return
        }
        c.sendQueue.complete(sent: Int(res), buffers: buffers)
        if c.phase == .closed {
            c.sendQueue.discard(buffers: buffers)
            return releaseClientSlotIfDone(c)
        }
        flushClient(c)
        guard c.sendQueue.isIdle else {
            if c.upstream >= 0 { updateUpstreamPressure(upstreams[Int(c.upstream)], c) }
            return
        }
        switch c.phase {
        case .closing: startLinger(c)
        case .awaitingHead:
            if c.inbound.isEmpty { returnIdleArenas(c) } else { driveClient(c) }
        case .exchanging:
            if c.upstream >= 0 { updateUpstreamPressure(upstreams[Int(c.upstream)], c) }
        default: break
        }
    }

    /// Graceful close: flush what is queued (an error response, the end of
    /// a cut stream), shut down the write side, then linger.
    func beginClosing(_ c: ClientConnection) {
        switch c.phase {
        case .awaitingHead, .exchanging: break
        default: return
        }
        releaseAdmission(c)
        detachUpstream(c)
        c.phase = .closing
        c.keepAlive = false
        c.headerDeadline = 0
        c.keepAliveDeadline = 0
        c.firstByteDeadline = 0
        c.streamIdleDeadline = 0
        c.streamTotalDeadline = 0
        c.pingDeadline = 0
        // A client that never reads its error response must not pin the slot.
        c.lingerDeadline = now + (settings.lingerMs + 5_000) * 1_000_000
        scheduleClientTimer(c)
        flushClient(c)
        if c.sendQueue.isIdle { startLinger(c) }
    }

    private func startLinger(_ c: ClientConnection) {
        c.phase = .lingering
        c.inbound.discard(buffers: buffers)
        // Not the ring's shutdown: io-wq would run it after the close that
        // often follows at once, against whichever new connection was
        // accepted into the same descriptor number (seen as stray FINs).
        backend.shutdownNow(fd: c.fd, how: Int32(SHUT_WR))
        c.lingerDeadline = now + settings.lingerMs * 1_000_000
        scheduleClientTimer(c)
        resumeClientRecv(c)
    }

    func closeClient(_ c: ClientConnection, graceful: Bool) {
        if graceful { return beginClosing(c) }
        guard c.phase != .closed else { return }
        // 499: the client went away before its answer was complete.
        if c.phase == .exchanging { recordExchange(c, status: 499) }
        // Bytes marked for this turn's send go out before the close, as they
        // would have had the send been submitted when they were queued.
        sendMarkedBytes(c)
        releaseAdmission(c)
        detachUpstream(c)
        c.phase = .closed
        openClients -= 1
        routing.metrics?.activeConnectionsDelta(-1)
        clientTimers.cancel(c.slot)
        pauseClientRecv(c)
        c.inbound.discard(buffers: buffers)
        if !c.sendQueue.inFlight { c.sendQueue.discard(buffers: buffers) }
        c.closeSubmitted = true
        backend.close(fd: c.fd, ud(.clientClose, c))
    }

    /// Drops the upstream side of the exchange: the connection is closed, as
    /// its response is no longer wanted (a server like vLLM aborts the
    /// generation when its socket closes).
    func detachUpstream(_ c: ClientConnection) {
        // The client gave up or the proxy answered for the upstream: not the
        // endpoint's fault, so its failure counts stay as they are.
        settleAttempt(c, .cancelled)
        guard c.upstream >= 0 else { return }
        let u = upstreams[Int(c.upstream)]
        c.upstream = -1
        u.client = -1
        closeUpstream(u)
    }

    func onClientClosed(_ c: ClientConnection) {
        c.closeCompleted = true
        releaseClientSlotIfDone(c)
    }

    func releaseClientSlotIfDone(_ c: ClientConnection) {
        guard c.phase == .closed, !c.hasOperationsInFlight else { return }
        returnIdleArenas(c)
        c.generation = UserData.nextGeneration(after: c.generation)
        c.fd = -1
        c.closeSubmitted = false
        c.closeCompleted = false
        c.recv.reset()
        c.lingerDeadline = 0
        c.headerDeadline = 0
        c.keepAliveDeadline = 0
        c.resetExchange()
        freeClients.append(c.slot)
    }

    func returnIdleArenas(_ c: ClientConnection) {
        c.held.release(buffers)
        releaseUsageStripping(c)
        c.routeLine.giveBack(to: &arenas)
        c.requestHeadIn.giveBack(to: &arenas)
        c.responseHeadIn.giveBack(to: &arenas)
        c.responseHeadOut.giveBack(to: &arenas)
    }

    /// Reading from the client stops while too many of its bytes wait to go
    /// upstream (or wait behind a response still being sent), so one fast
    /// sender cannot make the proxy hold an unbounded amount.
    func updateClientPressure(_ c: ClientConnection) {
        guard c.phase == .awaitingHead || c.phase == .exchanging else { return }
        var held = c.inbound.bytes
        if c.upstream >= 0 { held += upstreams[Int(c.upstream)].sendQueue.queuedBytes }
        if held >= settings.highWatermarkBytes {
            pauseClientRecv(c)
        } else if !c.recv.wanted && held < settings.highWatermarkBytes / 4 {
            resumeClientRecv(c)
        }
    }

    func rearmStarved() {
        guard !starvedClients.isEmpty || !starvedUpstreams.isEmpty else { return }
        // Only once the kernel's ring has buffers again, or the re-armed
        // receive would fail with ENOBUFS straight away.
        guard buffers.inUse < buffers.count - buffers.count / 8 else { return }
        for slot in starvedClients {
            let c = clients[Int(slot)]
            if c.phase != .closed { c.recv.rearmIfWanted(fd: c.fd, ud(.clientRecv, c), on: backend) }
        }
        starvedClients.removeAll(keepingCapacity: true)
        for slot in starvedUpstreams {
            let u = upstreams[Int(slot)]
            if u.phase != .closed { u.recv.rearmIfWanted(fd: u.fd, ud(.upstreamRecv, u), on: backend) }
        }
        starvedUpstreams.removeAll(keepingCapacity: true)
    }
}
