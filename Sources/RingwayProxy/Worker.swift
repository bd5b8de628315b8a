import CRingwayEngine
import Glibc
import RingwayHTTP
import RingwayIO
import RingwayObserve
import RingwayRouter

/// One worker thread's whole proxy: its ring, listener, connections, upstream
/// pool and timers. Nothing in here is shared with another thread except the
/// read-only settings and the shutdown flag, so nothing here takes a lock.
public final class Worker<Backend: CompletionSubmitting> {
    let id: Int
    let settings: ProxySettings
    let backend: Backend
    let buffers: ProvidedBuffers
    let shutdown: ShutdownSignal
    /// Owned by the worker from `run()` on: it closes it when draining.
    let listenFD: Int32
    /// The current table generation; a reload replaces it between loop turns.
    var routing: WorkerRouting

    var clients: [ClientConnection] = []
    var freeClients: [Int32] = []
    var openClients = 0
    var upstreams: [UpstreamConnection] = []
    var freeUpstreams: [Int32] = []
    var openUpstreams = 0
    var arenas: ArenaPool
    var chunkLines = ChunkLineBlock()

    var clientTimers: TimerWheel
    var upstreamTimers: TimerWheel
    var expired: [Int32] = []
    /// Connections whose multishot receive ended with ENOBUFS; re-armed once
    /// buffers come back.
    var starvedClients: [Int32] = []
    var starvedUpstreams: [Int32] = []
    /// Clients with bytes to send once this loop turn's completions are all
    /// handled (see `flushClient`).
    var pendingClientFlushes: [Int32] = []
    /// Attempts whose answer's body has not begun and is worth a spin, and
    /// when the latest of them started plus the budget (`spinForAnswers`).
    var spunAnswers = 0
    var answerSpinUntil: UInt64 = 0

    var now: UInt64
    var accepting = false
    var acceptArmed = false
    var acceptRetryAt: UInt64 = 0
    var draining = false
    var drainDeadline: UInt64 = 0
    var requestCounter: UInt64 = 0
    var nextStatePublish: UInt64 = 0
    /// Older table generations whose admission queues still hold requests.
    var queuedOnRetiredTables: [WorkerRouting] = []
    /// This worker's access-log ring (written here, drained by the writer).
    let accessLog: AccessLogRing?
    /// Per-worker generator of trace and span ids.
    var traceRandom = TraceContextRandom.seed()
    let requestIDPrefix: [UInt8]

    /// Takes over `backend`, which must have been created on the thread that
    /// will call `run()` (the ring is SINGLE_ISSUER).
    public init(id: Int, settings: ProxySettings, listenFD: Int32, shutdown: ShutdownSignal, backend: Backend) {
        self.id = id
        self.settings = settings
        self.listenFD = listenFD
        self.shutdown = shutdown
        self.backend = backend
        buffers = backend.buffers
        arenas = ArenaPool(blockSize: 8192, keepAtMost: 1024)
        now = monotonicNanoseconds()
        clientTimers = TimerWheel(tickNanoseconds: WorkerTiming.tickNanoseconds, bucketCount: 1024, now: now)
        upstreamTimers = TimerWheel(tickNanoseconds: WorkerTiming.tickNanoseconds, bucketCount: 1024, now: now)
        routing = WorkerRouting(table: settings.tables?.table ?? settings.sidecarTable(loadedAt: 0), workerID: id,
                                metrics: settings.metrics, tlsContexts: settings.tlsContexts)
        // Request ids are unique per process start, worker and request.
        var seed = UInt64(truncatingIfNeeded: monotonicNanoseconds()) ^ UInt64(getpid()) << 32
        var prefix: [UInt8] = []
        for _ in 0..<8 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            prefix.append(hexDigits[Int(seed >> 60)])
        }
        prefix.append(hexDigits[id & 15])
        prefix.append(UInt8(ascii: "-"))
        requestIDPrefix = prefix
        accessLog = settings.accessLogRings.flatMap { id < $0.count ? $0[id] : nil }
        clients.reserveCapacity(1024)
        upstreams.reserveCapacity(settings.poolMaxPerWorker)
        expired.reserveCapacity(256)
        pendingClientFlushes.reserveCapacity(1024)
    }

    public var setupDescription: String { backend.setupDescription }

    /// Runs until shutdown has been requested and every exchange has finished
    /// or the drain timeout has passed.
    public func run() {
        accepting = true
        armAccept()
        while true {
            var n = pollBriefly()
            if n == 0 { n = spinForAnswers() }
            if n == 0 {
                let budget = min(clientTimers.sleepBudget(now: now, idle: WorkerTiming.idleSleepNanoseconds),
                                 upstreamTimers.sleepBudget(now: now, idle: WorkerTiming.idleSleepNanoseconds))
                n = backend.wait(timeoutNanoseconds: budget)
            }
            now = monotonicNanoseconds()
            for i in 0..<n { dispatch(backend.batch[i]) }
            sweepTimers()
            rearmStarved()
            admitWaiters(routing)
            admitRetiredWaiters()
            refreshRouting()
            publishStateIfDue()
            if accepting && !acceptArmed && now >= acceptRetryAt { armAccept() }
            if !draining && shutdown.isRequested { beginDrain() }
            flushPendingClients()
            if draining && (openClients == 0 || now >= drainDeadline) { break }
        }
        abortEverything()
    }

    /// With `busyPollMicroseconds` set, the loop keeps asking the kernel for
    /// completions for that long before it sleeps: a waking CPU (a VM's vCPU
    /// above all) costs tens of microseconds per hop, which an idle spin
    /// avoids at the price of CPU time while traffic is light.
    @inline(__always) func pollBriefly() -> Int {
        guard settings.busyPollMicroseconds > 0 else { return 0 }
        return poll(until: now + settings.busyPollMicroseconds * 1_000)
    }

    /// Asks the kernel for completions without sleeping until some arrive
    /// (their count) or the clock passes `until` (0).
    @inline(__always) func poll(until: UInt64) -> Int {
        var t = now
        repeat {
            let n = backend.wait(timeoutNanoseconds: 0)
            if n > 0 { return n }
            t = monotonicNanoseconds()
        } while t < until
        return 0
    }

    /// Sleeping costs a wake-up when the answer comes: tens of microseconds
    /// for a VM's vCPU (docs/BENCHMARKS.md), often more than an upstream
    /// beside the proxy takes to answer. So while a request whose endpoint
    /// usually answers within `answerSpinMicroseconds` awaits its answer's
    /// first body bytes, the loop polls instead of sleeping, for at most
    /// that long after the request left. An endpoint that takes longer (a
    /// model's prefill) is waited for asleep, and a worker with no request
    /// outstanding never spins.
    @inline(__always) func spinForAnswers() -> Int {
        guard spunAnswers > 0, answerSpinUntil > now else { return 0 }
        return poll(until: answerSpinUntil)
    }

    /// The attempt's request is on its way upstream: its answer is awaited,
    /// with a spin if its endpoint's answers usually begin within the budget
    /// (or nothing is known of them yet).
    func beginAwaitingAnswer(_ c: ClientConnection) {
        let budget = settings.answerSpinMicroseconds * 1_000
        guard budget > 0, let routing = c.routing, c.endpoint >= 0 else { return }
        c.awaitingAnswer = true
        c.answerWaitFrom = now
        guard routing.answerDelayNs[Int(c.endpoint)] <= budget else { return }
        if !c.answerSpun {
            c.answerSpun = true
            spunAnswers += 1
        }
        answerSpinUntil = max(answerSpinUntil, now + budget)
    }

    /// The request could not leave before now: its connection was still
    /// being made, or its body was still streaming in. Neither is the
    /// endpoint's answer time, so the wait (and its spin) starts again.
    func restartAnswerWait(_ c: ClientConnection) {
        guard c.awaitingAnswer else { return }
        c.answerWaitFrom = now
        if c.answerSpun { answerSpinUntil = max(answerSpinUntil, now + settings.answerSpinMicroseconds * 1_000) }
    }

    /// The answer's body began (`began`), or the attempt ended: with a whole
    /// bodiless answer (`began` too) or without one (the delay is not
    /// learned from a failure, which is often quick for want of work done).
    @inline(__always) func endAwaitingAnswer(_ c: ClientConnection, began: Bool) {
        guard c.awaitingAnswer else { return }
        c.awaitingAnswer = false
        if c.answerSpun {
            c.answerSpun = false
            spunAnswers -= 1
        }
        guard began, let routing = c.routing, c.endpoint >= 0, now > c.answerWaitFrom else { return }
        let sample = now - c.answerWaitFrom
        let old = routing.answerDelayNs[Int(c.endpoint)]
        routing.answerDelayNs[Int(c.endpoint)] = old == 0 ? sample : (old &* 7 &+ sample) / 8
    }

    @inline(__always) func dispatch(_ c: Completion) {
        let ud = UserData(raw: c.user_data)
        guard let tag = OpTag(rawValue: ud.tag) else { return }
        switch tag {
        case .accept: onAccept(c.res, flags: c.flags)
        case .clientRecv, .clientSend, .clientClose:
            let client = clients[Int(ud.slot)]
            guard client.generation == ud.generation else { return dropStale(c) }
            switch tag {
            case .clientRecv: onClientRecv(client, c.res, flags: c.flags)
            case .clientSend: onClientSent(client, c.res)
            default: onClientClosed(client)
            }
        case .upstreamConnect, .upstreamRecv, .upstreamSend, .upstreamClose:
            let up = upstreams[Int(ud.slot)]
            guard up.generation == ud.generation else { return dropStale(c) }
            switch tag {
            case .upstreamConnect: onUpstreamConnected(up, c.res)
            case .upstreamRecv: onUpstreamRecv(up, c.res, flags: c.flags)
            case .upstreamSend: onUpstreamSent(up, c.res)
            default: onUpstreamClosed(up)
            }
        case .ignored: return
        }
    }

    /// A completion for a slot's previous owner: only a buffer it carries
    /// still matters, and it goes straight back to the kernel.
    func dropStale(_ c: Completion) { buffers.returnUnclaimed(flags: c.flags) }

    func ud(_ tag: OpTag, _ c: ClientConnection) -> UserData {
        UserData(tag: tag.rawValue, slot: c.slot, generation: c.generation)
    }

    func ud(_ tag: OpTag, _ u: UpstreamConnection) -> UserData {
        UserData(tag: tag.rawValue, slot: u.slot, generation: u.generation)
    }

    // MARK: draining

    func beginDrain() {
        draining = true
        drainDeadline = now + settings.drainTimeoutMs * 1_000_000
        stopAccepting()
        // Idle keep-alive clients go at once; one whose last answer is still
        // leaving is closed once it has left (an answer, not a request, is
        // in flight there).
        for c in clients where c.phase == .awaitingHead && c.inbound.isEmpty {
            closeClient(c, graceful: !c.sendQueue.isIdle)
        }
    }

    /// Closing the listener (not just cancelling the accept) makes the
    /// kernel refuse new connections at once instead of queueing them in a
    /// backlog nobody will accept from again.
    func stopAccepting() {
        guard accepting else { return }
        accepting = false
        if acceptArmed {
            backend.cancel(UserData(tag: OpTag.accept.rawValue, slot: 0, generation: 0),
                           UserData(tag: OpTag.ignored.rawValue, slot: 0, generation: 0))
        }
        backend.closeNow(fd: listenFD)
    }

    /// Drain timeout reached: whatever is still open is cut.
    func abortEverything() {
        for c in clients where c.phase != .closed { closeClient(c, graceful: false) }
        for u in upstreams where u.phase != .closed { closeUpstream(u) }
        // One last submit so the closes reach the kernel before exit.
        _ = backend.wait(timeoutNanoseconds: 1)
    }
}

let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// `value` in lowercase hex without leading zeros (1 to 16 digits) at `out`;
/// returns the digit count. Request ids and chunk-size lines.
func writeHex(_ value: UInt64, to out: UnsafeMutableRawPointer) -> Int {
    var digits = 1
    while digits < 16 && value >> (4 * UInt64(digits)) != 0 { digits += 1 }
    var v = value
    for i in stride(from: digits - 1, through: 0, by: -1) {
        out.storeBytes(of: hexDigits[Int(v & 15)], toByteOffset: i, as: UInt8.self)
        v >>= 4
    }
    return digits
}

/// The worker's clock settings (statics cannot live in the generic class).
enum WorkerTiming {
    static let tickNanoseconds: UInt64 = 5_000_000
    static let idleSleepNanoseconds: UInt64 = 100_000_000
}

extension ProxySettings {
    /// Sidecar mode's table: every path passes through to `upstream`.
    public func sidecarTable(loadedAt: Double) -> RoutingTable {
        var serverName: String?
        if case .tls(_, _, let name) = upstream { serverName = name }
        return RoutingTable.sidecar(upstream: upstream.endpointAddress, url: upstream.url, loadedAt: loadedAt,
                                    tls: upstreamTLS, tlsServerName: serverName)
    }
}

extension UpstreamTarget {
    public var endpointAddress: EndpointAddress {
        switch self {
        case .tcp(let host, let port): return .http(host: host, port: port)
        case .tls(let host, let port, _): return .https(host: host, port: port)
        case .unix(let path): return .unix(path: path)
        }
    }

    /// As the user wrote it: `http://host:port`, `https://name:port` or
    /// `unix:/path`.
    public var url: String {
        switch self {
        case .tcp(let host, let port): return "http://\(host):\(port)"
        case .tls(_, let port, let name): return "https://\(name.contains(":") ? "[\(name)]" : name):\(port)"
        case .unix(let path): return "unix:\(path)"
        }
    }
}
