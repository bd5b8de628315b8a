import Dispatch
import Foundation
import Glibc
import RingwayIO
import RingwayRouter
import Synchronization

/// Active health checks and server-metrics scrapes for every endpoint whose
/// pool asks for them, on one background thread ("ringway-prober").
///
/// The workers never wait for it: it writes verdicts and load figures into
/// each endpoint's `SharedEndpointState`, which they read with relaxed
/// atomic loads. Probes run one after another; each is bounded by its own
/// timeout, so an endpoint that hangs delays the others by at most that.
/// The thread follows reloads itself by watching `source.version`.
///
///     start() ─▶ loop: table changed? rebuild schedule ─▶ probe due? run it
///                      ▲                                    │ none due
///                      └──── sleep ≤ 100 ms on the wake pipe ◀┘
///     stop()  ─▶ flag + wake pipe (interrupts a sleep or a probe) ─▶ join
public final class EndpointProber: Sendable {
    /// The longest idle sleep, which bounds how late a reload is noticed.
    static let maxIdleMs: Int32 = 100

    private let source: RoutingTableSource
    private let tlsContexts: UpstreamTLSContexts
    private let clock: @Sendable () -> UInt64
    private let log: @Sendable (String) -> Void
    private let maxResponseBytes: Int
    private let wake: ProbeWakePipe?
    private let stopping = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    private let exited = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - clock: monotonic nanoseconds; schedules and scrape times use it,
    ///     request timeouts always use the real monotonic clock.
    ///   - log: receives one line per state change, without the
    ///     "ringway: " prefix (the default adds it and writes to stderr).
    ///   - maxResponseBytes: the most one probe reads from an endpoint.
    ///   - tlsContexts: the https pools' contexts (the workers' own, so
    ///     probes resume the same sessions).
    public init(
        source: RoutingTableSource,
        tlsContexts: UpstreamTLSContexts = UpstreamTLSContexts(),
        clock: @escaping @Sendable () -> UInt64 = { monotonicNanoseconds() },
        log: @escaping @Sendable (String) -> Void = EndpointProber.logToStandardError,
        maxResponseBytes: Int = 4 << 20
    ) {
        self.source = source
        self.tlsContexts = tlsContexts
        self.clock = clock
        self.log = log
        self.maxResponseBytes = maxResponseBytes
        wake = ProbeWakePipe()
    }

    /// Spawns the thread; a second call does nothing. A prober that has
    /// been stopped does not start again (make a new one).
    public func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        guard let wake else {
            log("prober not started: cannot create its wake pipe: \(errnoText(errno)); endpoints stay unprobed")
            exited.signal()
            return
        }
        let thread = Thread { [self] in
            defer { exited.signal() }
            var runner = ProbeRunner(
                source: source, clock: clock, log: log,
                client: ProbeHTTPClient(maxResponseBytes: maxResponseBytes, cancelFD: wake.readFD),
                tlsContexts: tlsContexts)
            while !stopping.load(ordering: .acquiring) {
                runner.refreshIfReloaded()
                if runner.runDueProbe() { continue }
                let idleMs = min(runner.idleNs() / 1_000_000 + 1, UInt64(Self.maxIdleMs))
                wake.sleep(ms: Int32(idleMs))
            }
        }
        thread.name = "ringway-prober"
        // Probing needs little stack: no recursion, buffers on the heap.
        thread.stackSize = 512 << 10
        thread.start()
    }

    /// Ends the thread and waits for it: a sleep or an in-flight request is
    /// interrupted at once. Safe to call more than once, or without start().
    public func stop() {
        let wasStopping = stopping.exchange(true, ordering: .acquiringAndReleasing)
        wake?.signal()
        guard !wasStopping, started.load(ordering: .acquiring) else { return }
        exited.wait()
    }

    public static func logToStandardError(_ line: String) {
        let text = Array("ringway: \(line)\n".utf8)
        // One write(2) per line so concurrent threads' lines never interleave.
        text.withUnsafeBytes { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
