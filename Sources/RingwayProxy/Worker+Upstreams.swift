import CRingwayEngine
import Glibc
import RingwayIO

/// The worker's keep-alive pool of upstream connections.
extension Worker {
    /// A warm idle connection to `endpoint` (of the client's table
    /// generation) if there is one, else a new one (connecting).
    func acquireUpstream(for c: ClientConnection, endpoint: Int) -> Result<UpstreamConnection, UpstreamAcquireFailure> {
        acquireUpstream(for: c, routing: c.routing!, endpoint: endpoint)
    }

    /// `c` nil: a connection for a shadow copy, which no client waits on.
    func acquireUpstream(for c: ClientConnection?, routing: WorkerRouting, endpoint: Int)
        -> Result<UpstreamConnection, UpstreamAcquireFailure>
    {
        let owner = c?.slot ?? -1
        while let slot = routing.idle[endpoint].popLast() {
            let u = upstreams[Int(slot)]
            guard u.phase == .idle else { continue }
            u.phase = .busy
            u.client = owner
            u.idleDeadline = 0
            upstreamTimers.cancel(u.slot)
            return .success(u)
        }
        let pool = routing.table.endpoints[endpoint].pool
        let poolEntry = routing.table.pools[pool]
        guard openUpstreams < settings.poolMaxPerWorker,
              routing.openPerPool[pool] < poolEntry.maxConnectionsPerWorker ?? Int.max
        else { return .failure(.poolFull) }
        let address = routing.addresses + endpoint
        let fd = backend.openSocket(for: address)
        guard fd >= 0 else { return .failure(.socket(-fd)) }
        let u = allocateUpstream()
        u.fd = fd
        u.phase = .connecting
        u.client = owner
        u.reusable = true
        u.routing = routing
        u.endpoint = Int32(endpoint)
        routing.openPerPool[pool] += 1
        openUpstreams += 1
        u.connectInFlight = true
        backend.connect(fd: fd, address, ud(.upstreamConnect, u))
        let connectMs = poolEntry.connectTimeoutMs.map(UInt64.init) ?? settings.connectTimeoutMs
        u.connectDeadline = now + connectMs * 1_000_000
        scheduleUpstreamTimer(u)
        return .success(u)
    }

    private func allocateUpstream() -> UpstreamConnection {
        if let slot = freeUpstreams.popLast() { return upstreams[Int(slot)] }
        let u = UpstreamConnection(slot: Int32(upstreams.count))
        upstreams.append(u)
        return u
    }

    func onUpstreamConnected(_ u: UpstreamConnection, _ res: Int32) {
        u.connectInFlight = false
        guard u.phase == .connecting else { return releaseUpstreamSlotIfDone(u) }
        guard res == 0 else {
            u.connectDeadline = 0
            scheduleUpstreamTimer(u)
            let client = u.client
            if client >= 0 {
                attemptFailed(clients[Int(client)], .connectFailure, status: 502, message: connectFailureMessage(-res),
                              code: "upstream_unavailable")
            }
            closeUpstream(u)
            return
        }
        if let endpointTLS = u.routing!.tls[Int(u.endpoint)] { return beginTLSHandshake(u, endpointTLS) }
        u.connectDeadline = 0
        scheduleUpstreamTimer(u)
        u.phase = .busy
        if u.client >= 0 { restartAnswerWait(clients[Int(u.client)]) }
        resumeUpstreamRecv(u)
        flushUpstream(u)
    }

    private func connectFailureMessage(_ errno: Int32) -> StaticString {
        switch errno {
        case ECONNREFUSED: return "upstream refused the connection"
        case ENOENT: return "upstream unix socket does not exist"
        case ETIMEDOUT: return "upstream connection timed out"
        case ENETUNREACH, EHOSTUNREACH: return "upstream is unreachable"
        default: return "could not connect to upstream"
        }
    }

    func resumeUpstreamRecv(_ u: UpstreamConnection) {
        u.recv.resume(fd: u.fd, ud(.upstreamRecv, u), on: backend)
    }

    func pauseUpstreamRecv(_ u: UpstreamConnection) {
        u.recv.pause(ud(.upstreamRecv, u), cancelledBy: ud(.ignored, u), on: backend)
    }

    func flushUpstream(_ u: UpstreamConnection) {
        guard u.phase == .busy else { return }
        if let tls = u.tls { return flushTLSUpstream(u, tls) }
        u.sendQueue.flush(fd: u.fd, backend: backend, ud(.upstreamSend, u))
    }

    func onUpstreamSent(_ u: UpstreamConnection, _ res: Int32) {
        if let tls = u.tls { return onTLSUpstreamSent(u, tls, res) }
        guard res >= 0 else {
            u.sendQueue.sendFailed()
            u.sendQueue.discard(buffers: buffers)
            if u.phase == .closed { releaseUpstreamSlotIfDone(u) } else { onUpstreamGone(u, error: res) }
            return
        }
        u.sendQueue.complete(sent: Int(res), buffers: buffers)
        if u.phase == .closed {
            u.sendQueue.discard(buffers: buffers)
            return releaseUpstreamSlotIfDone(u)
        }
        flushUpstream(u)
        if u.client >= 0 { updateClientPressure(clients[Int(u.client)]) }
    }

    func releaseToPool(_ u: UpstreamConnection) {
        // A connection of an older table generation is not kept: its
        // endpoint may be gone from the new one.
        guard let routing = u.routing, routing === self.routing else { return closeUpstream(u) }
        u.phase = .idle
        u.client = -1
        // An idle TLS connection keeps its session, not its blocks: a pool of
        // them would otherwise pin 128 KiB each.
        u.tls?.releaseBlocks(buffers)
        routing.idle[Int(u.endpoint)].append(u.slot)
        u.idleDeadline = now + settings.upstreamIdleTimeoutMs * 1_000_000
        scheduleUpstreamTimer(u)
        // Stay armed while idle: the server closing its end shows up as EOF.
        resumeUpstreamRecv(u)
    }

    func closeUpstream(_ u: UpstreamConnection) {
        guard u.phase != .closed else { return }
        if let shadow = u.shadow { return finishShadow(u, shadow, failed: true) }
        if let routing = u.routing {
            if u.phase == .idle, let i = routing.idle[Int(u.endpoint)].lastIndex(of: u.slot) {
                routing.idle[Int(u.endpoint)].remove(at: i)
            }
            routing.openPerPool[routing.table.endpoints[Int(u.endpoint)].pool] -= 1
        }
        if u.connectInFlight { backend.cancel(ud(.upstreamConnect, u), ud(.ignored, u)) }
        if let tls = u.tls {
            if u.phase == .idle { sendCloseNotify(u, tls) }
            tls.releaseBlocks(buffers)
            // Sends hold their own references; what never left goes now.
            if !tls.cipher.inFlight { tls.cipher.discard(buffers: buffers) }
        }
        u.phase = .closed
        u.client = -1
        openUpstreams -= 1
        upstreamTimers.cancel(u.slot)
        pauseUpstreamRecv(u)
        if !u.sendQueue.inFlight { u.sendQueue.discard(buffers: buffers) }
        u.closeSubmitted = true
        backend.close(fd: u.fd, ud(.upstreamClose, u))
    }

    func onUpstreamClosed(_ u: UpstreamConnection) {
        u.closeCompleted = true
        releaseUpstreamSlotIfDone(u)
    }

    func releaseUpstreamSlotIfDone(_ u: UpstreamConnection) {
        guard u.phase == .closed, !u.hasOperationsInFlight else { return }
        u.generation = UserData.nextGeneration(after: u.generation)
        u.fd = -1
        u.closeSubmitted = false
        u.closeCompleted = false
        u.recv.reset()
        u.connectDeadline = 0
        u.idleDeadline = 0
        u.reusable = true
        u.routing = nil
        u.endpoint = -1
        u.tls = nil
        freeUpstreams.append(u.slot)
    }

    /// Reading from the upstream stops while the client is slower than it.
    func updateUpstreamPressure(_ u: UpstreamConnection, _ c: ClientConnection) {
        guard u.phase == .busy else { return }
        let queued = c.sendQueue.queuedBytes
        if queued >= settings.highWatermarkBytes {
            pauseUpstreamRecv(u)
        } else if !u.recv.wanted && queued < settings.highWatermarkBytes / 4 {
            resumeUpstreamRecv(u)
        }
    }
}

/// Why no upstream connection could be had for a request.
enum UpstreamAcquireFailure: Error {
    /// `--pool-max-per-worker` connections are open and none is idle.
    case poolFull
    /// socket() failed with this errno (out of descriptors, usually).
    case socket(Int32)
}
