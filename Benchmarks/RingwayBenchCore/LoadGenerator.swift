#if canImport(Glibc)
import Glibc
#endif

/// A single-threaded epoll load generator over plain non-blocking TCP.
///
/// ```
///  run():  connect all ─▶ t0 ─ warm-up ─▶ measureStart ──── duration ────▶ scheduleEnd ─ drain ─▶ done
///                                          └ requests due here are counted ┘
/// ```
///
/// Each turn of the loop dispatches the open-loop requests now due, checks timeouts
/// every 10 ms, then waits in `epoll_wait`. Precise send times come from a timerfd
/// armed at the next due time (epoll's own timeout has millisecond resolution and
/// 50 µs of timer slack). Everything a request touches — slots, the request bytes,
/// the read buffer, the queue, the histograms — is allocated before the first send.
///
/// One instance runs once; the caller pins the thread (taskset) if it wants a core.
public final class LoadGenerator {
    enum Phase { case connecting, running, draining, finished }

    static let housekeepingInterval: UInt64 = 10_000_000
    /// A due time closer than this is waited for by polling, not by arming the timer:
    /// two syscalls and a wake-up cost more than the wait.
    static let spinWindow: UInt64 = 20_000
    static let timerToken = UInt64.max
    static let maxEvents = 256

    let plan: LoadPlan
    let calls: LinuxEventCalls
    let address: TargetAddress
    let epoll: Int32
    let timer: Int32
    let slots: UnsafeMutablePointer<ConnectionSlot>
    let slotCount: Int
    let idleStack: UnsafeMutablePointer<Int32>
    var idleCount = 0
    var queue: RequestQueue
    let request: UnsafeMutableRawBufferPointer
    let readBuffer: UnsafeMutableRawBufferPointer
    let events: UnsafeMutableRawPointer

    let openLoop: Bool
    let timeoutNanoseconds: UInt64
    var schedule: ArrivalSchedule?
    var phase = Phase.connecting
    var measureStart: UInt64 = .max
    var scheduleEnd: UInt64 = .max
    var lastCompletion: UInt64 = 0
    var busyCount = 0
    var armedDeadline: UInt64 = 0
    var result = LoadResult()
    private var hasRun = false

    public init(plan: LoadPlan) throws(LoadSetupError) {
        precondition(plan.connections > 0 && plan.duration > 0 && !plan.request.isEmpty)
        self.plan = plan
        calls = try LinuxEventCalls()
        address = try TargetAddress(host: plan.host, port: plan.port)
        try Self.allowDescriptors(plan.connections + 64)
        epoll = calls.epollCreate1(Int32(O_CLOEXEC))
        guard epoll >= 0 else { throw .systemCall("epoll_create1", errno: errno) }
        timer = calls.timerfdCreate(CLOCK_MONOTONIC, Int32(O_NONBLOCK | O_CLOEXEC))
        guard timer >= 0 else {
            close(epoll)
            throw .systemCall("timerfd_create", errno: errno)
        }
        _ = calls.control(epoll, LinuxEventCalls.ctlAdd, timer, events: LinuxEventCalls.epollIn, token: Self.timerToken)

        slotCount = plan.connections
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: ConnectionSlot(), count: slotCount)
        idleStack = .allocate(capacity: slotCount)
        queue = RequestQueue(capacity: plan.backlogLimit)
        request = .allocate(byteCount: plan.request.count, alignment: 16)
        request.copyBytes(from: plan.request)
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 64)
        events = .allocate(byteCount: Self.maxEvents * LinuxEventCalls.eventStride, alignment: 16)
        if case .openLoop = plan.mode { openLoop = true } else { openLoop = false }
        timeoutNanoseconds = UInt64(plan.timeout * 1e9)
    }

    deinit {
        for index in 0..<slotCount where slots[index].fd >= 0 { close(slots[index].fd) }
        close(timer)
        close(epoll)
        slots.deinitialize(count: slotCount)
        slots.deallocate()
        idleStack.deallocate()
        queue.deallocate()
        request.deallocate()
        readBuffer.deallocate()
        events.deallocate()
    }

    /// Runs the plan to completion and returns what was measured.
    public func run() -> LoadResult {
        precondition(!hasRun, "a LoadGenerator runs once")
        hasRun = true
        let runStart = Clock.monotonicNanoseconds()

        // Connect everything first so the schedule starts against a warm pool.
        let connectDeadline = runStart + min(timeoutNanoseconds, 5_000_000_000)
        for index in 0..<slotCount { connect(index, now: runStart) }
        while anySlotConnecting() {
            let now = Clock.monotonicNanoseconds()
            if now >= connectDeadline { break }
            waitForEvents(timeoutMilliseconds: milliseconds(until: connectDeadline, from: now))
        }

        startSchedule(at: Clock.monotonicNanoseconds())
        var nextHousekeeping: UInt64 = 0
        var drainDeadline: UInt64 = .max
        while true {
            let now = Clock.monotonicNanoseconds()
            // Dispatch before ending the phase: requests that came due before
            // scheduleEnd during a stall still go out (late, and timed as such).
            if phase == .running && openLoop { dispatchDueRequests(now: now) }
            if phase == .running && now >= scheduleEnd {
                phase = .draining
                drainDeadline = now + timeoutNanoseconds + 1_000_000_000
            }
            if now >= nextHousekeeping {
                expireOverdue(now: now)
                nextHousekeeping = now + Self.housekeepingInterval
            }
            if phase == .draining {
                if busyCount == 0 && queue.isEmpty { break }
                if now >= drainDeadline {
                    abandonOutstanding()
                    break
                }
            }
            waitForEvents(timeoutMilliseconds: waitBudget(now: now, nextHousekeeping: nextHousekeeping))
        }
        phase = .finished
        for index in 0..<slotCount where slots[index].fd >= 0 { closeSocket(index) }

        let runEnd = Clock.monotonicNanoseconds()
        result.wallSeconds = Double(runEnd - runStart) / 1e9
        result.measuredSeconds = Double(max(scheduleEnd, lastCompletion) - measureStart) / 1e9
        return result
    }

    private func startSchedule(at start: UInt64) {
        measureStart = start + UInt64(plan.warmup * 1e9)
        scheduleEnd = measureStart + UInt64(plan.duration * 1e9)
        phase = .running
        switch plan.mode {
        case .openLoop(let rate, let poisson, let seed):
            schedule = ArrivalSchedule(start: start, ratePerSecond: rate, poisson: poisson, seed: seed)
        case .closedLoop:
            for index in 0..<slotCount where slots[index].state == .idle {
                startRequest(index, intendedAt: start, now: start)
            }
        }
    }

    /// How long `epoll_wait` may sleep, arming the timer for a due request first.
    private func waitBudget(now: UInt64, nextHousekeeping: UInt64) -> Int32 {
        if plan.busyPoll { return 0 }
        var wakeBy = nextHousekeeping
        if phase == .running { wakeBy = min(wakeBy, scheduleEnd) }
        if phase == .running, let due = schedule?.next, due < scheduleEnd {
            if due <= now + Self.spinWindow { return 0 }
            if due < wakeBy && armedDeadline != due {
                calls.arm(timer, at: due)
                armedDeadline = due
            }
        }
        return milliseconds(until: wakeBy, from: now)
    }

    private func milliseconds(until deadline: UInt64, from now: UInt64) -> Int32 {
        guard deadline > now else { return 0 }
        return Int32(min((deadline - now + 999_999) / 1_000_000, 1000))
    }

    /// One `epoll_wait` and the dispatch of everything it returned.
    func waitForEvents(timeoutMilliseconds: Int32) {
        let count = calls.epollWait(epoll, events, Int32(Self.maxEvents), timeoutMilliseconds)
        guard count > 0 else { return }
        for position in 0..<Int(count) {
            let event = events + position * LinuxEventCalls.eventStride
            let flags = event.loadUnaligned(as: UInt32.self)
            let token = event.loadUnaligned(fromByteOffset: LinuxEventCalls.eventDataOffset, as: UInt64.self)
            if token == Self.timerToken {
                var expirations: UInt64 = 0
                _ = read(timer, &expirations, 8)
                armedDeadline = 0
                continue
            }
            let index = Int(truncatingIfNeeded: token & 0xFFFF_FFFF)
            guard slots[index].generation == UInt32(truncatingIfNeeded: token >> 32), slots[index].fd >= 0 else {
                continue  // an event for a socket closed earlier in this batch
            }
            handle(index, flags: flags)
        }
    }

    private func anySlotConnecting() -> Bool {
        for index in 0..<slotCount where slots[index].state == .connecting { return true }
        return false
    }

    /// Lets the process open enough sockets for the plan (soft limit up to the hard limit).
    private static func allowDescriptors(_ needed: Int) throws(LoadSetupError) {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        guard limit.rlim_cur < rlim_t(needed) else { return }
        limit.rlim_cur = min(rlim_t(needed), limit.rlim_max)
        guard setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur >= rlim_t(needed) else {
            throw .systemCall("setrlimit(RLIMIT_NOFILE, \(needed)) — too many connections for this process", errno: errno)
        }
    }
}
