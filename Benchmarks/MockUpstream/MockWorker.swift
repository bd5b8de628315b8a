import CRingwayEngine
import Glibc
import RingwayHTTP
import RingwayIO

/// The operation a completion reports, in the top byte of user_data.
enum MockOp: UInt8 {
    case accept = 1
    case recv
    case send
    case close
    /// Cancels: their outcome shows on the operation they cancel.
    case ignored
}

/// One event-loop thread of the mock: its own ring, listeners it accepts on,
/// connections, timer wheel and capacity waiters. Modelled on the proxy's
/// worker (slab of connections with generations, multishot receive re-armed
/// when a completion lacks F_MORE, one send in flight per socket, stale
/// completions' buffers handed straight back).
final class MockWorker: ThreadWorker {
    let index: Int
    let shared: MockShared
    let settings: MockSettings
    let backend: CompletionBackend
    let buffers: ProvidedBuffers
    let listeners: [Int32]
    var acceptArmed: [Bool]
    var acceptRetryAt: UInt64 = 0

    var connections: [MockConnection] = []
    var freeSlots: [Int32] = []
    var timers: TimerWheel
    var expired: [Int32] = []
    /// Connections whose receive ended with ENOBUFS, re-armed once buffers return.
    var starved: [Int32] = []
    /// Connections queued for a capacity slot, oldest first, as slot|generation.
    var waiters: [UInt64] = []
    var waitersHead = 0
    /// Connections just given a slot, stepped from the loop (not recursively).
    var ready: [UInt64] = []

    var now: UInt64
    /// Response bodies are composed here first, so the head can state their length.
    let scratch = GrowableBytes(capacity: 8192)
    /// Error messages built at run time (kept apart from `scratch`, which the
    /// error body is composed in).
    let message = GrowableBytes(capacity: 256)
    let limits: HTTPLimits
    let defaultModel: GrowableBytes
    let stats: WorkerStats
    let requestLog: RequestLog
    let abortLog: RequestLog

    /// Pacing resolution: events are sent up to one tick late. The wait time
    /// only shortens to the tick while a timer is pending.
    static let tickNanoseconds: UInt64 = 1_000_000
    static let idleSleepNanoseconds: UInt64 = 50_000_000

    /// Creates the worker's ring; call on the thread that will run it.
    init(index: Int, shared: MockShared, listeners: [Int32]) throws(BackendError) {
        self.index = index
        self.shared = shared
        settings = shared.settings
        self.listeners = listeners
        acceptArmed = Array(repeating: false, count: listeners.count)
        var config = BackendConfig()
        config.ringEntries = 4096
        config.bufferSize = 16384
        config.bufferCount = UInt32(shared.settings.receiveBuffers)
        backend = try CompletionBackend(config: config)
        buffers = backend.buffers
        now = monotonicNanoseconds()
        timers = TimerWheel(tickNanoseconds: Self.tickNanoseconds, bucketCount: 4096, now: now)
        var limits = HTTPLimits()
        limits.maxBodyBytes = Int64.max  // bodies of any size are read and discarded
        self.limits = limits
        let model = GrowableBytes(capacity: 64)
        shared.settings.model.utf8CString.withUnsafeBufferPointer {
            model.appendJSONEscaped(UnsafeRawPointer($0.baseAddress!), $0.count - 1)
        }
        defaultModel = model
        stats = shared.stats[index]
        requestLog = shared.requestLogs[index]
        abortLog = shared.abortLogs[index]
        connections.reserveCapacity(1024)
        expired.reserveCapacity(256)
        waiters.reserveCapacity(1024)
        ready.reserveCapacity(256)
        starved.reserveCapacity(64)
    }

    var setupDescription: String { backend.setupDescription }

    /// Runs until the shared stop flag is set.
    func run() {
        for i in listeners.indices { armAccept(i) }
        while !shared.stopRequested.load(ordering: .relaxed) {
            var budget = timers.sleepBudget(now: now, idle: Self.idleSleepNanoseconds)
            if waitersHead < waiters.count || acceptArmed.contains(false) { budget = min(budget, Self.tickNanoseconds) }
            let n = backend.wait(timeoutNanoseconds: budget)
            now = monotonicNanoseconds()
            for i in 0..<n { dispatch(backend.batch[i]) }
            sweepTimers()
            if waitersHead < waiters.count { admitWaiters() }
            stepReady()
            if !starved.isEmpty { rearmStarved() }
            if now >= acceptRetryAt {
                for i in listeners.indices where !acceptArmed[i] { armAccept(i) }
            }
        }
        for c in connections where c.phase != .closed { closeNow(c, reset: false) }
        // One last submit so the closes reach the kernel.
        _ = backend.wait(timeoutNanoseconds: 1)
    }

    @inline(__always) func dispatch(_ completion: Completion) {
        let ud = UserData(raw: completion.user_data)
        guard let op = MockOp(rawValue: ud.tag) else { return }
        switch op {
        case .accept:
            onAccept(listener: Int(ud.slot), completion.res, flags: completion.flags)
        case .recv, .send, .close:
            let c = connections[Int(ud.slot)]
            guard c.generation == ud.generation else { return dropStale(completion) }
            switch op {
            case .recv: onRecv(c, completion.res, flags: completion.flags)
            case .send: onSent(c, completion.res)
            default:
                c.closeCompleted = true
                releaseSlotIfDone(c)
            }
        case .ignored:
            return
        }
    }

    /// A completion for a slot's previous owner: only a buffer it carries matters.
    func dropStale(_ completion: Completion) { buffers.returnUnclaimed(flags: completion.flags) }

    @inline(__always) func ud(_ op: MockOp, _ c: MockConnection) -> UserData {
        UserData(tag: op.rawValue, slot: c.slot, generation: c.generation)
    }

    // MARK: accepting

    func armAccept(_ listener: Int) {
        guard !acceptArmed[listener] else { return }
        acceptArmed[listener] = true
        backend.acceptMultishot(fd: listeners[listener], UserData(tag: MockOp.accept.rawValue, slot: Int32(listener), generation: 0))
    }

    func onAccept(listener: Int, _ res: Int32, flags: UInt32) {
        if flags & RW_CQE_F_MORE == 0 {
            acceptArmed[listener] = false
            // Out of descriptors: retrying at once would spin on the same error.
            if res == -EMFILE || res == -ENFILE || res == -ENOMEM || res == -ENOBUFS {
                acceptRetryAt = now + 50_000_000
            } else if !shared.stopRequested.load(ordering: .relaxed) {
                armAccept(listener)
            }
        }
        guard res >= 0 else { return }
        let c = allocateConnection()
        c.fd = res
        c.phase = .head
        c.number = shared.connectionCounter.wrappingAdd(1, ordering: .relaxed).newValue
        c.sequence = 0
        resumeRecv(c)
    }

    private func allocateConnection() -> MockConnection {
        if let slot = freeSlots.popLast() { return connections[Int(slot)] }
        let c = MockConnection(slot: Int32(connections.count), defaults: settings)
        connections.append(c)
        return c
    }

    // MARK: receiving

    func resumeRecv(_ c: MockConnection) { c.recv.resume(fd: c.fd, ud(.recv, c), on: backend) }

    func pauseRecv(_ c: MockConnection) { c.recv.pause(ud(.recv, c), cancelledBy: ud(.ignored, c), on: backend) }

    func onRecv(_ c: MockConnection, _ res: Int32, flags: UInt32) {
        c.recv.complete(flags: flags)
        if res > 0 {
            let bid = UInt16(truncatingIfNeeded: flags >> RW_CQE_BUFFER_SHIFT)
            buffers.adopt(bid)
            switch c.phase {
            case .head, .body, .responding:
                c.inbound.append(InboundSegment(base: UnsafeRawPointer(buffers.pointer(bid)), length: Int(res), bid: bid))
                c.inboundBytes &+= Int(res)
                drive(c)
            default:
                // Hanging, closing or closed: input only drains the socket.
                buffers.release(bid)
            }
        } else if res == 0 {
            return clientGone(c)
        } else if res == -ENOBUFS {
            if c.recv.wanted && c.phase != .closed { starved.append(c.slot) }
            return
        } else if res != -ECANCELED {
            return clientGone(c)
        }
        if c.phase != .closed { c.recv.rearmIfWanted(fd: c.fd, ud(.recv, c), on: backend) }
        if c.phase == .closed { releaseSlotIfDone(c) }
    }

    /// Stops reading while a client's unprocessed input piles up (it pipelines
    /// faster than its responses leave); resumes below a quarter of the limit.
    func updateInboundPressure(_ c: MockConnection) {
        let limit = 1 << 20
        if c.inboundBytes >= limit {
            pauseRecv(c)
        } else if !c.recv.wanted && c.inboundBytes < limit / 4 && c.phase != .closed {
            resumeRecv(c)
        }
    }

    func rearmStarved() {
        // Only once the ring has buffers again, or the receive fails at once.
        guard buffers.inUse < buffers.count - buffers.count / 8 else { return }
        for slot in starved {
            let c = connections[Int(slot)]
            if c.phase != .closed { c.recv.rearmIfWanted(fd: c.fd, ud(.recv, c), on: backend) }
        }
        starved.removeAll(keepingCapacity: true)
    }

    /// Drops `n` processed bytes from the front of the input, returning
    /// buffers that empty.
    func consumeInbound(_ c: MockConnection, _ n: Int) {
        var left = n
        c.inboundBytes &-= n
        while left > 0 {
            let s = c.inbound[c.inboundHead]
            if left >= s.length {
                left &-= s.length
                buffers.release(s.bid)
                c.inboundHead &+= 1
            } else {
                c.inbound[c.inboundHead].base += left
                c.inbound[c.inboundHead].length &-= left
                left = 0
            }
        }
        if c.inboundHead == c.inbound.count {
            c.inbound.removeAll(keepingCapacity: true)
            c.inboundHead = 0
        }
    }

    func discardInbound(_ c: MockConnection) {
        if c.inboundBytes > 0 { consumeInbound(c, c.inboundBytes) }
    }

    // MARK: sending

    /// Starts a send when none is in flight and bytes are waiting.
    @inline(__always) func flush(_ c: MockConnection) {
        guard !c.sendInFlight else { return }
        if c.sendOffset >= c.sending.count {
            guard c.filling.count > 0 else { return }
            let empty = c.sending
            empty.count = 0
            c.sending = c.filling
            c.filling = empty
            c.sendOffset = 0
        }
        c.sendInFlight = true
        backend.send(fd: c.fd, c.sending.base + c.sendOffset, c.sending.count &- c.sendOffset, ud(.send, c))
    }

    func onSent(_ c: MockConnection, _ res: Int32) {
        c.sendInFlight = false
        if c.phase == .closed { return releaseSlotIfDone(c) }
        guard res > 0 else { return clientGone(c, sendFailed: true) }
        c.sendOffset &+= Int(res)
        if c.sendOffset >= c.sending.count {
            c.sending.count = 0
            c.sendOffset = 0
        }
        progress(c)
    }

    /// Output moved or a deadline passed: carry the connection forward.
    func progress(_ c: MockConnection) {
        switch c.phase {
        case .responding:
            advance(c)
        case .head, .body:
            flush(c)
            if !c.inboundIsEmpty { drive(c) }
            if c.outputIdle { shrinkOutput(c) }
        case .closing:
            flush(c)
            if c.outputIdle { closeNow(c, reset: c.resetOnClose) }
        default:
            break
        }
    }

    /// Big `/bytes` or `/echo` answers may have grown the output halves; an
    /// idle keep-alive connection gives that memory back.
    func shrinkOutput(_ c: MockConnection) {
        c.filling.shrink(ifAbove: 1 << 18, to: 2048)
        c.sending.shrink(ifAbove: 1 << 18, to: 2048)
    }

    // MARK: closing

    /// The client went away (EOF, reset, failed send). A response still being
    /// produced is recorded as aborted, as the fixture does.
    func clientGone(_ c: MockConnection, sendFailed: Bool = false) {
        switch c.phase {
        case .responding, .hanging:
            abortLog.record(c.requestLine.bytes, UnsafeRawBufferPointer(start: nil, count: 0), stamp: now)
            closeNow(c, reset: false)
        case .closing where !sendFailed && (c.sendInFlight || c.outputPending > 0):
            // Half-closed after its request: let the answer finish leaving.
            break
        case .closed:
            break
        default:
            closeNow(c, reset: false)
        }
    }

    /// Flush what is queued, then close (`reset`: with RST instead of FIN).
    func beginClosing(_ c: MockConnection, reset: Bool) {
        guard c.phase != .closed && c.phase != .closing else { return }
        leaveGeneration(c)
        c.phase = .closing
        c.keepAlive = false
        c.resetOnClose = reset
        discardInbound(c)
        flush(c)
        if c.outputIdle { closeNow(c, reset: reset) }
    }

    func closeNow(_ c: MockConnection, reset: Bool) {
        guard c.phase != .closed else { return }
        leaveGeneration(c)
        timers.cancel(c.slot)
        if reset {
            // SO_LINGER 0: close sends RST and drops anything unsent.
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            _ = setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        }
        c.phase = .closed
        pauseRecv(c)
        discardInbound(c)
        c.closeSubmitted = true
        backend.close(fd: c.fd, ud(.close, c))
    }

    func releaseSlotIfDone(_ c: MockConnection) {
        guard c.phase == .closed, !c.hasOperationsInFlight else { return }
        c.generation = UserData.nextGeneration(after: c.generation)
        c.fd = -1
        c.closeSubmitted = false
        c.closeCompleted = false
        c.recv.reset()
        c.resetOnClose = false
        c.filling.count = 0
        c.sending.count = 0
        c.sendOffset = 0
        c.carry.removeAll()
        c.headEnd.reset()
        shrinkOutput(c)
        freeSlots.append(c.slot)
    }

    // MARK: timers

    func sweepTimers() {
        guard timers.count > 0 else { return }
        expired.removeAll(keepingCapacity: true)
        timers.advance(to: now, expired: &expired)
        for slot in expired {
            let c = connections[Int(slot)]
            if c.phase == .responding { advance(c) }
        }
    }

    /// Produces what is due and, once the response is complete, goes on to
    /// a pipelined request that arrived behind it.
    func advance(_ c: MockConnection) {
        continueResponse(c)
        if c.phase == .head && !c.inboundIsEmpty { drive(c) }
    }
}
