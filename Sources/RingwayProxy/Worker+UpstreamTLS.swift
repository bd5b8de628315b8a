import CRingwayEngine
import Glibc
import RingwayIO

/// https upstreams: the handshake after the TCP connect, plaintext encrypted
/// into send blocks, ciphertext decrypted into blocks the relay sends from.
/// The plaintext path never enters this file: each entry point is reached
/// through one `u.tls` test.
extension Worker {
    // MARK: handshake

    /// The TCP connect completed: start the handshake. The connect deadline
    /// stays armed, so the handshake counts against the connect timeout.
    func beginTLSHandshake(_ u: UpstreamConnection, _ endpoint: EndpointTLS) {
        let session: TLSClientSession
        do throws(TLSError) {
            session = try TLSClientSession(context: try endpoint.context.get(), host: endpoint.serverName)
        } catch {
            return tlsHandshakeFailed(u, error)
        }
        let tls = UpstreamTLS(session: session)
        u.tls = tls
        resumeUpstreamRecv(u)
        advanceTLSHandshake(u, tls)
    }

    /// Runs the handshake over what was fed; on completion the connection
    /// turns busy and the request queued meanwhile is encrypted and sent.
    func advanceTLSHandshake(_ u: UpstreamConnection, _ tls: UpstreamTLS) {
        let done: Bool
        do throws(TLSError) {
            done = try tls.session.handshake()
        } catch {
            return tlsHandshakeFailed(u, error)
        }
        guard takeCiphertext(u, tls) else { return tlsHandshakeFailed(u, TLSError(Self.noBlockMessage)) }
        guard done else { return sendCiphertext(u, tls) }
        tls.handshakeDone = true
        u.connectDeadline = 0
        scheduleUpstreamTimer(u)
        u.phase = .busy
        if u.client >= 0 { restartAnswerWait(clients[Int(u.client)]) }
        flushTLSUpstream(u, tls)
    }

    /// A handshake that failed (bad certificate, wrong name, not TLS, the
    /// server hung up) is a connect failure: retried elsewhere when the
    /// request allows, else answered 502 with the cause.
    func tlsHandshakeFailed(_ u: UpstreamConnection, _ error: TLSError) {
        guard u.phase != .closed else { return }
        var cause = error.message
        // The C layer's generic prefix would repeat our own.
        if cause.hasPrefix("handshake failed: ") { cause.removeFirst(18) }
        logTLSFailure(u, "TLS handshake failed: " + cause)
        if u.client >= 0 {
            var message = "upstream TLS handshake failed: " + cause
            message.withUTF8 { text in
                attemptFailed(clients[Int(u.client)], .connectFailure, status: 502, message: UnsafeRawBufferPointer(text),
                              code: "upstream_tls_failed")
            }
        }
        closeUpstream(u)
    }

    /// A TLS error after the handshake (a record that does not decrypt, no
    /// block left): the connection is broken like a reset one.
    func tlsConnectionBroke(_ u: UpstreamConnection, _ error: TLSError) {
        guard u.phase != .closed else { return }
        logTLSFailure(u, error.message)
        if u.phase == .idle { return closeUpstream(u) }
        onUpstreamGone(u, error: -EPROTO)
    }

    static var noBlockMessage: String { "the proxy has no free block for TLS records" }

    // MARK: sending

    /// `flushUpstream` for TLS: encrypts queued plaintext while the
    /// ciphertext waiting stays within the budget, then sends.
    func flushTLSUpstream(_ u: UpstreamConnection, _ tls: UpstreamTLS) {
        while tls.cipher.queuedBytes < UpstreamTLS.cipherBudget, let s = u.sendQueue.first {
            let n = min(s.length, UpstreamTLS.writeChunk, UpstreamTLS.cipherBudget - tls.cipher.queuedBytes)
            do throws(TLSError) {
                try tls.session.write(UnsafeRawBufferPointer(start: s.base, count: n))
            } catch {
                return tlsConnectionBroke(u, error)
            }
            // Encrypted means copied: the plaintext segment lets go of its buffer.
            u.sendQueue.complete(sent: n, buffers: buffers)
            guard takeCiphertext(u, tls) else { return tlsConnectionBroke(u, TLSError(Self.noBlockMessage)) }
        }
        sendCiphertext(u, tls)
    }

    /// Moves the session's pending output into blocks and queues it in
    /// order. False when no block could be had.
    func takeCiphertext(_ u: UpstreamConnection, _ tls: UpstreamTLS) -> Bool {
        while tls.session.pendingOutput > 0 {
            if tls.outRoom < UpstreamTLS.minimumRoom {
                if tls.outBid >= 0 { buffers.release(UInt16(tls.outBid)) }
                tls.outBid = -1
                guard let block = buffers.takeBlock() else { return false }
                tls.outBid = Int32(block.bid)
                tls.outBase = block.base
                tls.outUsed = 0
            }
            let start = tls.outBase! + tls.outUsed
            let n = tls.session.take(into: UnsafeMutableRawBufferPointer(start: start, count: tls.outRoom))
            guard n > 0 else { break }
            buffers.retain(UInt16(tls.outBid))
            tls.cipher.append(Segment(base: UnsafeRawPointer(start), length: n, bid: tls.outBid))
            tls.outUsed += n
        }
        return true
    }

    func sendCiphertext(_ u: UpstreamConnection, _ tls: UpstreamTLS) {
        guard u.phase != .closed else { return }
        tls.cipher.flush(fd: u.fd, backend: backend, ud(.upstreamSend, u))
    }

    /// `onUpstreamSent` for TLS: the ciphertext queue did the send.
    func onTLSUpstreamSent(_ u: UpstreamConnection, _ tls: UpstreamTLS, _ res: Int32) {
        guard res >= 0 else {
            tls.cipher.sendFailed()
            tls.cipher.discard(buffers: buffers)
            if u.phase == .closed { return releaseUpstreamSlotIfDone(u) }
            if !tls.handshakeDone {
                return tlsHandshakeFailed(u, TLSError("sending to the server failed: \(String(cString: strerror(-res)))"))
            }
            return onUpstreamGone(u, error: res)
        }
        tls.cipher.complete(sent: Int(res), buffers: buffers)
        if u.phase == .closed {
            tls.cipher.discard(buffers: buffers)
            return releaseUpstreamSlotIfDone(u)
        }
        if u.phase == .busy { flushTLSUpstream(u, tls) } else { sendCiphertext(u, tls) }
        if u.client >= 0 { updateClientPressure(clients[Int(u.client)]) }
    }

    // MARK: receiving

    /// A receive completion on a TLS connection: the ciphertext is copied
    /// into the session and its buffer goes back at once; plaintext is
    /// decrypted into a block and relayed from there.
    func onTLSUpstreamBytes(_ u: UpstreamConnection, _ tls: UpstreamTLS, bid: UInt16, count: Int) {
        var fed: TLSError?
        do throws(TLSError) {
            try tls.session.feed(UnsafeRawBufferPointer(start: buffers.pointer(bid), count: count))
        } catch {
            fed = error
        }
        buffers.release(bid)
        if let fed { return tlsConnectionBroke(u, fed) }
        if !tls.handshakeDone {
            guard u.phase == .connecting else { return }
            return advanceTLSHandshake(u, tls)
        }
        decryptAndRelay(u, tls)
    }

    /// Decrypts everything fed so far. All records of one receive go to the
    /// relay together (as the plaintext path relays one buffer), each
    /// receive as soon as it came: an event stream still flows event by
    /// event.
    private func decryptAndRelay(_ u: UpstreamConnection, _ tls: UpstreamTLS) {
        var closed = false
        while !closed && (u.phase == .busy || u.phase == .idle) {
            if tls.inRoom < UpstreamTLS.minimumRoom {
                if tls.inBid >= 0 { buffers.release(UInt16(tls.inBid)) }
                tls.inBid = -1
                guard let block = buffers.takeBlock() else {
                    return tlsConnectionBroke(u, TLSError(Self.noBlockMessage))
                }
                tls.inBid = Int32(block.bid)
                tls.inBase = block.base
                tls.inUsed = 0
            }
            let start = tls.inUsed
            var end = start
            var needMore = false
            while end < ProvidedBuffers.blockSize && !needMore && !closed {
                let room = UnsafeMutableRawBufferPointer(start: tls.inBase! + end, count: ProvidedBuffers.blockSize - end)
                do throws(TLSError) {
                    switch try tls.session.read(into: room) {
                    case .bytes(let n): end += n
                    case .needMoreInput: needMore = true
                    case .closed: closed = true
                    }
                } catch {
                    return tlsConnectionBroke(u, error)
                }
            }
            tls.inUsed = end
            if end > start {
                let bid = UInt16(tls.inBid)
                // The relay retains the block for what it queues; this
                // reference keeps it while the relay runs.
                buffers.retain(bid)
                deliverResponseBytes(u, base: UnsafeRawPointer(tls.inBase! + start), bid: bid, count: end - start)
                buffers.release(bid)
            }
            if needMore { break }
        }
        if closed {
            // close_notify: a clean end of the byte stream; the HTTP framing
            // decides whether the message it carried was whole.
            if u.phase == .busy { return onUpstreamGone(u, error: 0) }
            if u.phase == .idle { return closeUpstream(u) }
            return
        }
        // Reading can queue records too (a TLS 1.3 key update's reply).
        if u.phase != .closed && tls.session.pendingOutput > 0 {
            guard takeCiphertext(u, tls) else { return tlsConnectionBroke(u, TLSError(Self.noBlockMessage)) }
            sendCiphertext(u, tls)
        }
        if u.phase == .idle { tls.releaseBlocks(buffers) }
    }

    // MARK: closing

    /// Before an idle TLS connection is closed: close_notify, when no send
    /// is in flight (OpenSSL servers will not resume a session whose client
    /// left without it). Best effort: the close follows at once.
    func sendCloseNotify(_ u: UpstreamConnection, _ tls: UpstreamTLS) {
        guard tls.handshakeDone, !tls.cipher.inFlight, tls.cipher.count == 0 else { return }
        tls.session.shutdown()
        guard takeCiphertext(u, tls) else { return }
        sendCiphertext(u, tls)
    }

    // MARK: the Host field

    /// The Host an upstream is sent when its pool sets none: an https
    /// endpoint's own name (servers refuse a Host other than the name their
    /// certificate was asked for by SNI, e.g. 421 Misdirected Request), else
    /// `otherwise` (an absolute-form target's authority, or empty: the
    /// client's Host).
    @inline(__always)
    func withUpstreamAuthority<R>(_ u: UpstreamConnection, otherwise: UnsafeRawBufferPointer,
                                  _ body: (UnsafeRawBufferPointer) -> R) -> R {
        guard let routing = u.routing, let endpointTLS = routing.tls[Int(u.endpoint)] else { return body(otherwise) }
        return endpointTLS.hostField.withUnsafeBytes(body)
    }

    // MARK: logging

    /// One line per failure and endpoint, at most one a second per worker
    /// (a dead endpoint under load would fill the log otherwise).
    func logTLSFailure(_ u: UpstreamConnection, _ what: String) {
        guard let routing = u.routing, u.endpoint >= 0 else { return }
        let e = Int(u.endpoint)
        guard routing.tlsFailureLoggedAt[e] == 0 || now >= routing.tlsFailureLoggedAt[e] + 1_000_000_000 else {
            routing.tlsFailuresUnlogged[e] += 1
            return
        }
        let quiet = routing.tlsFailuresUnlogged[e]
        routing.tlsFailureLoggedAt[e] = now
        routing.tlsFailuresUnlogged[e] = 0
        var line = "upstream \(routing.table.endpoints[e].url): \(what)"
        if quiet > 0 { line += " (and \(quiet) more since the last line)" }
        EndpointProber.logToStandardError(line)
    }
}
