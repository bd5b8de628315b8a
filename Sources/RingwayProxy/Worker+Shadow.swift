import CRingwayEngine
import Glibc
import RingwayHTTP
import RingwayIO
import RingwayRouter

/// Shadow traffic: a sampled fraction of a model's requests is sent again to
/// a shadow pool. The copy runs on its own upstream connection, its answer
/// is read and thrown away, and nothing about it can hold up the real one.
extension Worker {
    func maybeShadow(_ c: ClientConnection, _ routing: WorkerRouting, bodyLength: Int64, edits: BodyEdits) {
        guard c.servedModel >= 0, let s = routing.table.shadowOfModel[Int(c.servedModel)],
              routing.shadowSamplers[s].next()
        else { return }
        routing.shadowStats[s].requests += 1
        let pool = routing.table.shadows[s].pool
        let affinity = c.summary.prefixHash
        guard let member = routing.balancers[pool].pick(affinityKey: affinity, now: now, exclude: TriedEndpoints())
        else {
            routing.shadowStats[s].failed += 1
            return
        }
        let endpoint = routing.table.endpointIndex(pool: pool, member: member)
        guard case .success(let u) = acquireUpstream(for: nil, routing: routing, endpoint: endpoint) else {
            routing.shadowStats[s].failed += 1
            return
        }
        u.reusable = c.request.isHTTP11
        let shadow = ShadowExchange(shadow: s, startedAt: now)
        u.shadow = shadow
        // The copy's own head: the shadow pool's Host and fields.
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        guard case .success(let head) = withUpstreamAuthority(u, otherwise: empty, { authority in
            renderUpstreamHead(c, routing.table.pools[pool], source: c.requestHeadIn.bytes, bodyLength: bodyLength,
                               requestID: empty, authority: authority)
        })
        else { return closeUpstream(u) }
        // The body's blocks are shared, not copied: each segment holds a
        // reference, so they outlive the real exchange if they must.
        u.sendQueue.append(head)
        queueBody(c, u, edits)
        // The shadow's whole exchange is bounded by the first-byte timeout.
        u.idleDeadline = now + settings.firstByteTimeoutMs * 1_000_000
        scheduleUpstreamTimer(u)
        flushUpstream(u)
    }

    /// Reads the shadow's answer: its head for the status, then its framing
    /// to know when it ends. The bytes go nowhere.
    func consumeShadowBytes(_ u: UpstreamConnection, _ shadow: ShadowExchange, base: UnsafeRawPointer, count: Int) {
        var base = base
        var count = count
        if !shadow.headDone {
            shadow.headIn.append(UnsafeRawBufferPointer(start: base, count: count), pool: &arenas)
            switch ResponseHeadParser.parse(shadow.headIn.bytes, requestWasHEAD: false, limits: settings.limits,
                                            into: &shadow.response) {
            case .incomplete:
                if shadow.headIn.count > settings.limits.maxHeaderBytes { finishShadow(u, shadow, failed: true) }
                return
            case .failure: return finishShadow(u, shadow, failed: true)
            case .complete(let n):
                let bodyBytes = shadow.headIn.count - n
                if shadow.response.isInformational {
                    shadow.headIn.count = 0
                    return
                }
                shadow.headDone = true
                shadow.status = shadow.response.status
                shadow.framing = shadow.response.framing
                if !shadow.response.keepAlive { u.reusable = false }
                if case .contentLength(let n) = shadow.framing { shadow.remaining = n }
                if case .chunked = shadow.framing {
                    var unlimited = settings.limits
                    unlimited.maxBodyBytes = .max
                    shadow.chunks = ChunkedFraming(limits: unlimited)
                }
                base += count - bodyBytes
                count = bodyBytes
            }
        }
        switch shadow.framing {
        case .none: finishShadow(u, shadow, failed: false)
        case .contentLength:
            shadow.remaining -= Int64(count)
            if shadow.remaining <= 0 {
                if shadow.remaining < 0 { u.reusable = false }
                finishShadow(u, shadow, failed: false)
            }
        case .chunked:
            switch shadow.chunks.feed(UnsafeRawBufferPointer(start: base, count: count)) {
            case .needMore: break
            case .done(let consumed):
                if consumed < count { u.reusable = false }
                finishShadow(u, shadow, failed: false)
            case .failure: finishShadow(u, shadow, failed: true)
            }
        case .untilClose: break
        }
    }

    /// Records the outcome and lets the connection go (pooled when clean).
    func finishShadow(_ u: UpstreamConnection, _ shadow: ShadowExchange, failed: Bool) {
        u.shadow = nil
        if let routing = u.routing, shadow.shadow < routing.shadowStats.count {
            var stats = routing.shadowStats[shadow.shadow]
            if failed || shadow.status == 0 {
                stats.failed += 1
            } else {
                stats.completed += 1
                stats.byStatusClass[min(shadow.status / 100, 5)] += 1
                let latency = now &- shadow.startedAt
                stats.latencyTotalNs &+= latency
                stats.latencyMaxNs = max(stats.latencyMaxNs, latency)
            }
            routing.shadowStats[shadow.shadow] = stats
        }
        shadow.headIn.giveBack(to: &arenas)
        if !failed && u.reusable && u.sendQueue.isIdle && u.phase == .busy {
            u.idleDeadline = 0
            releaseToPool(u)
        } else {
            closeUpstream(u)
        }
    }
}
