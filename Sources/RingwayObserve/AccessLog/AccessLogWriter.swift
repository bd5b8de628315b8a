import Glibc
import Synchronization

/// The access log's one background thread. Every `flushInterval` (or when
/// woken) it drains every worker's ring, drops what sampling skips, formats
/// the rest as JSON lines into one buffer and hands it to the kernel with a
/// single write(2). Workers only ever push into their ring; nothing here can
/// make an event loop wait.
///
/// Life cycle: `init` → `start()` (opens the output, so a bad path fails at
/// start-up) → `stop()` (drains what is left, writes it, closes). Between
/// them, from any thread: `setNames` on reload, `setSampleRate`, `reopen()`
/// on SIGUSR1, `wake()`.
public final class AccessLogWriter: @unchecked Sendable {
    // @unchecked: `output`, `buffer` and `pendingLines` belong to the writer
    // thread while it runs; `start()` touches them before creating it and
    // `stop()` after joining it, so the thread's start and join order every
    // access. Everything else is an Atomic or behind a Mutex.
    public let rings: [AccessLogRing]
    private let flushIntervalMilliseconds: Int32
    private let batchBytes: Int
    private let wakeup: AccessLogWakeup
    private let names: Mutex<AccessLogNameHistory>
    private let samplingThreshold: Atomic<UInt64>
    private let stopRequested = Atomic<Bool>(false)
    private let reopenRequested = Atomic<Bool>(false)
    private let lifecycle = Mutex<Lifecycle>(.idle)
    private let counters = Counters()
    private let lastError = Mutex<String?>(nil)
    private var output: AccessLogOutput
    private var buffer: AccessLogBuffer
    private var pendingLines: UInt64 = 0

    /// The writer thread's nice value (workers run at the process's, 0 by default).
    static let niceness: Int32 = 10

    private enum Lifecycle {
        case idle
        case running(pthread_t)
        case stopped
    }

    private final class Counters: Sendable {
        let linesWritten = Atomic<UInt64>(0)
        let sampledOut = Atomic<UInt64>(0)
        let linesLost = Atomic<UInt64>(0)
        let bytesWritten = Atomic<UInt64>(0)
        let writeErrors = Atomic<UInt64>(0)
        let reopens = Atomic<UInt64>(0)
    }

    /// - Parameters:
    ///   - rings: one per worker, created before the workers start.
    ///   - names: the tables of the configuration loaded at start-up.
    ///   - sampleRate: fraction of non-error requests logged, 0...1.
    ///   - flushInterval: longest a record waits before it is written.
    ///   - batchBytes: a batch larger than this is written in several parts.
    public init(
        rings: [AccessLogRing], destination: AccessLogDestination, names: AccessLogNames, sampleRate: Double = 1,
        flushIntervalMilliseconds: Int = 5, batchBytes: Int = 1 << 20
    ) throws(AccessLogError) {
        self.rings = rings
        self.flushIntervalMilliseconds = Int32(clamping: max(1, flushIntervalMilliseconds))
        self.batchBytes = max(4096, batchBytes)
        wakeup = try AccessLogWakeup()
        self.names = Mutex(AccessLogNameHistory(names))
        samplingThreshold = Atomic(AccessLogSampling(rate: sampleRate).threshold)
        output = AccessLogOutput(destination)
        // Room for a full batch plus the line that crosses the limit.
        buffer = AccessLogBuffer(capacity: self.batchBytes + 16 * 1024)
    }

    deinit {
        stop()
        buffer.deallocate()
    }

    /// Opens the output and starts the thread. Throws if the file cannot be
    /// opened or the thread cannot be created; calling it twice does nothing.
    public func start() throws(AccessLogError) {
        try lifecycle.withLock { (state: inout Lifecycle) throws(AccessLogError) in
            guard case .idle = state else { return }
            try output.open()
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
            let result = pthread_create(&thread, nil, { context in
                let writer = Unmanaged<AccessLogWriter>.fromOpaque(context!).takeRetainedValue()
                writer.run()
                return nil
            }, context)
            guard result == 0 else {
                Unmanaged<AccessLogWriter>.fromOpaque(context).release()
                output.close()
                throw AccessLogError("access log: cannot start the writer thread: \(AccessLogOutput.describe(result))")
            }
            state = .running(thread)
        }
    }

    /// Writes everything already pushed, then stops the thread and closes a
    /// file output. Call it after the workers have stopped pushing; records
    /// pushed later stay in their ring. Idempotent.
    public func stop() {
        lifecycle.withLock { state in
            switch state {
            case .idle:
                state = .stopped
            case .running(let thread):
                stopRequested.store(true, ordering: .releasing)
                wakeup.signal()
                _ = pthread_join(thread, nil)
                output.close()
                state = .stopped
            case .stopped:
                break
            }
        }
    }

    /// Asks the writer to reopen a file output by its path (log rotation:
    /// call it on SIGUSR1 after the old file was renamed). Returns at once:
    /// an atomic store and one write(2), safe from any thread. Lines already
    /// formatted may still land in the old file.
    public func reopen() {
        reopenRequested.store(true, ordering: .releasing)
        wakeup.signal()
    }

    /// Makes the writer drain now instead of at its next tick.
    public func wake() {
        wakeup.signal()
    }

    /// Names for a newly loaded configuration. Records routed by earlier
    /// versions keep resolving with their own tables (the last eight).
    public func setNames(_ table: AccessLogNames) {
        names.withLock { $0.add(table) }
    }

    public func setSampleRate(_ rate: Double) {
        samplingThreshold.store(AccessLogSampling(rate: rate).threshold, ordering: .relaxed)
    }

    public var statistics: AccessLogStatistics {
        var s = AccessLogStatistics()
        s.linesWritten = counters.linesWritten.load(ordering: .relaxed)
        s.sampledOut = counters.sampledOut.load(ordering: .relaxed)
        s.linesLost = counters.linesLost.load(ordering: .relaxed)
        s.bytesWritten = counters.bytesWritten.load(ordering: .relaxed)
        s.writeErrors = counters.writeErrors.load(ordering: .relaxed)
        s.reopens = counters.reopens.load(ordering: .relaxed)
        s.dropped = rings.reduce(0) { $0 &+ $1.dropped }
        s.lastError = lastError.withLock { $0 }
        return s
    }

    // MARK: - The writer thread

    private func run() {
        // Below the workers: on a core they share, an event loop that has
        // work always runs first and the lines wait (their ring holds them).
        // On Linux the nice value is per thread and `who` 0 is this thread.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)
        while true {
            // Read the stop flag before draining, so the final pass sees
            // every record pushed before `stop()` was called.
            let stopping = stopRequested.load(ordering: .acquiring)
            if reopenRequested.exchange(false, ordering: .acquiringAndReleasing) {
                do throws(AccessLogError) {
                    try output.reopen()
                    counters.reopens.add(1, ordering: .relaxed)
                } catch {
                    report(error)
                }
            }
            drainOnce()
            if stopping { return }
            wakeup.wait(milliseconds: flushIntervalMilliseconds)
        }
    }

    /// One pass over every ring; writes the batch once it is all formatted
    /// (or each time it reaches `batchBytes`).
    private func drainOnce() {
        let history = names.withLock { $0 }
        let sampling = AccessLogSampling(threshold: samplingThreshold.load(ordering: .relaxed))
        var skipped: UInt64 = 0
        // Most records of a pass share a version: look the table up once
        // per change, not per record.
        var tableVersion = history.tables.first?.version ?? 0
        var table = history.tables.first
        for ring in rings {
            ring.drain { record in
                guard sampling.keeps(record) else {
                    skipped &+= 1
                    return
                }
                if record.configVersion != tableVersion {
                    tableVersion = record.configVersion
                    table = history.table(for: tableVersion)
                }
                AccessLogLineFormatter.append(record, names: table, to: &buffer)
                pendingLines &+= 1
                if buffer.count >= batchBytes { flush() }
            }
        }
        if skipped > 0 { counters.sampledOut.add(skipped, ordering: .relaxed) }
        flush()
    }

    private func flush() {
        guard buffer.count > 0 else { return }
        do throws(AccessLogError) {
            try output.write(buffer.bytes)
            counters.linesWritten.add(pendingLines, ordering: .relaxed)
            counters.bytesWritten.add(UInt64(buffer.count), ordering: .relaxed)
        } catch {
            counters.linesLost.add(pendingLines, ordering: .relaxed)
            report(error)
        }
        buffer.count = 0
        pendingLines = 0
    }

    private func report(_ error: AccessLogError) {
        counters.writeErrors.add(1, ordering: .relaxed)
        lastError.withLock { $0 = error.description }
    }
}
