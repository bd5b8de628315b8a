import RingwayHTTP
import RingwayIO
import RingwayRouter

/// Priority admission: a pool with `max_concurrency` takes that many
/// requests in flight across all workers; the rest wait in this worker's
/// queue by priority class, the lowest class is shed first when the queue is
/// full, and a request that waits past the queue timeout is answered 503.
extension Worker {
    /// True when the request may go on now; false when it was queued or
    /// answered (shed).
    func admit(_ c: ClientConnection) -> Bool {
        guard c.admittedPool < 0, let routing = c.routing else { return true }
        let pool = Int(c.pool)
        guard let concurrency = routing.table.pools[pool].concurrency else { return true }
        if routing.queues[pool].count == 0 && concurrency.tryAcquire() {
            c.admittedPool = c.pool
            return true
        }
        let priority = priorityClass(c, routing.table)
        let deadline = now + UInt64(routing.table.pools[pool].queue.timeoutMs) * 1_000_000
        switch routing.queues[pool].enqueue(Waiter(slot: c.slot, generation: c.generation), priority: priority,
                                            deadline: deadline) {
        case .queued: break
        case .rejected:
            routing.metrics?.admissionRejected(pool: pool, priority: priority)
            shed(c, message: "the pool is saturated and its queue is full")
            return false
        case .queuedAfterShedding(let victim):
            routing.waiting -= 1
            let v = clients[Int(victim.slot)]
            routing.metrics?.admissionRejected(pool: pool, priority: routing.table.priorityClassCount - 1)
            if v.generation == victim.generation && v.waitingAdmission {
                v.waitingAdmission = false
                shed(v, message: "shed for a higher-priority request while the pool is saturated")
            }
        }
        routing.waiting += 1
        routing.metrics?.queueDepth(pool: pool, value: routing.queues[pool].count)
        c.waitingAdmission = true
        c.retryDeadline = deadline
        scheduleClientTimer(c)
        return false
    }

    /// A fallback moved the request to another pool: the old pool's slot is
    /// given back and the new pool's limit applies (it may queue or shed).
    /// When a queued request is let in, the attempt starts on the new pool.
    func readmit(_ c: ClientConnection) -> Bool {
        guard c.admittedPool != c.pool else { return true }
        releaseAdmission(c)
        return admit(c)
    }

    /// Lets queued requests in while slots are free: after a local release,
    /// and every loop turn while any wait (another worker may have freed one).
    func admitWaiters(_ routing: WorkerRouting) {
        guard routing.waiting > 0 else { return }
        for pool in routing.queues.indices where routing.queues[pool].count > 0 {
            guard let concurrency = routing.table.pools[pool].concurrency else { continue }
            while routing.queues[pool].count > 0 && concurrency.tryAcquire() {
                guard let w = routing.queues[pool].popNext() else {
                    concurrency.release()
                    break
                }
                routing.waiting -= 1
                routing.metrics?.queueDepth(pool: pool, value: routing.queues[pool].count)
                let c = clients[Int(w.slot)]
                guard c.generation == w.generation, c.waitingAdmission else {
                    concurrency.release()
                    continue
                }
                c.waitingAdmission = false
                c.retryDeadline = 0
                c.admittedPool = Int32(pool)
                dispatchAttempt(c)
            }
        }
    }

    /// Gives the exchange's slot back, or leaves the queue.
    func releaseAdmission(_ c: ClientConnection) {
        guard let routing = c.routing else { return }
        if c.waitingAdmission {
            c.waitingAdmission = false
            if routing.queues[Int(c.pool)].remove(Waiter(slot: c.slot, generation: c.generation)) {
                routing.waiting -= 1
                routing.metrics?.queueDepth(pool: Int(c.pool), value: routing.queues[Int(c.pool)].count)
            }
        }
        guard c.admittedPool >= 0 else { return }
        routing.table.pools[Int(c.admittedPool)].concurrency?.release()
        c.admittedPool = -1
        admitWaiters(routing)
    }

    /// The queue timeout passed before a slot came free.
    func admissionTimedOut(_ c: ClientConnection) {
        c.routing?.metrics?.admissionRejected(pool: Int(c.pool), priority: -1)
        releaseAdmission(c)
        appendRetryAfter(c)
        respondError(c, status: 503, message: "timed out waiting for a free slot in a saturated pool",
                     code: "queue_timeout")
    }

    private func shed(_ c: ClientConnection, message: StaticString) {
        appendRetryAfter(c)
        respondError(c, status: 429, message: message, code: "pool_saturated", keepOpen: true)
    }

    private func appendRetryAfter(_ c: ClientConnection) {
        let line: StaticString = "Retry-After: 1\r\n"
        line.withUTF8Buffer { c.routeLine.append(UnsafeRawBufferPointer($0), pool: &arenas) }
    }

    /// From the key's class, else the priority header, else the default.
    private func priorityClass(_ c: ClientConnection, _ table: RoutingTable) -> Int {
        if c.keyIndex >= 0, let p = table.keys[Int(c.keyIndex)].priority { return p }
        let value = table.priorityHeader.withUnsafeBytes { c.request.firstValue(named: $0, in: c.requestHeadIn.bytes) }
        return value.flatMap { table.priorityClasses.value(for: $0) } ?? table.defaultPriority
    }
}
