import RingwayHTTP
import RingwayIO

/// Tracks a whole chunked SSE stream fed in receive-sized slices, as the
/// relay does for every byte of a streamed completion.
final class ChunkedStreamBenchmark {
    /// The worker's default provided-buffer size (`--buffer-size`).
    static let sliceBytes = 16384

    let stream: UnsafeRawBufferPointer
    let events: Int
    var framing = ChunkedFraming(limits: HTTPLimits())

    init(events: Int) {
        self.events = events
        let bytes = Fixtures.sseStream(events: events)
        stream = pinnedCopy(bytes)
        precondition(run(1) == bytes.count, "the SSE fixture is not one complete chunked body")
    }

    func run(_ iterations: Int) -> Int {
        var checksum = 0
        for _ in 0..<iterations {
            framing.reset()
            var offset = 0
            while offset < stream.count {
                let end = min(offset &+ Self.sliceBytes, stream.count)
                switch framing.feed(UnsafeRawBufferPointer(rebasing: stream[offset..<end])) {
                case .needMore:
                    offset = end
                case .done(let consumed):
                    checksum &+= offset &+ consumed
                    offset = stream.count
                case .failure(let error):
                    preconditionFailure("SSE fixture rejected: \(error)")
                }
            }
        }
        return checksum
    }
}

/// The timer wheel as a busy worker uses it: thousands of idle connections'
/// timers already scheduled, and per request a timer set and then cancelled
/// (header timeout, first-byte timeout) or moved (keep-alive refresh).
final class TimerWheelBenchmark {
    static let tickNanoseconds: UInt64 = 5_000_000  // Worker.tickNanoseconds
    static let idleTimers: Int32 = 16_384
    static let activeTimers: Int32 = 1024

    let now: UInt64 = 1_000_000_000_000
    var wheel: TimerWheel

    init() {
        wheel = TimerWheel(tickNanoseconds: Self.tickNanoseconds, bucketCount: 1024, now: now)
        for id in 0..<(Self.idleTimers + Self.activeTimers) {
            // Keep-alive deadlines spread over the next 75 s.
            wheel.schedule(id, at: now &+ 75_000_000_000 &- UInt64(id) &* 4_000_000)
        }
        for id in Self.idleTimers..<(Self.idleTimers + Self.activeTimers) { wheel.cancel(id) }
    }

    /// One operation: schedule a 10 s deadline, then cancel it.
    func scheduleCancel(_ iterations: Int) -> Int {
        var id = Self.idleTimers
        for i in 0..<iterations {
            wheel.schedule(id, at: now &+ 10_000_000_000 &+ UInt64(i & 1023) &* Self.tickNanoseconds)
            wheel.cancel(id)
            id = id &+ 1 == Self.idleTimers &+ Self.activeTimers ? Self.idleTimers : id &+ 1
        }
        return wheel.count
    }

    /// One operation: move an already scheduled timer to a new deadline.
    func reschedule(_ iterations: Int) -> Int {
        var id: Int32 = 0
        for i in 0..<iterations {
            wheel.schedule(id, at: now &+ 75_000_000_000 &- UInt64(i & 4095) &* Self.tickNanoseconds)
            id = id &+ 1 == Self.idleTimers ? 0 : id &+ 1
        }
        return wheel.count &+ Int(truncatingIfNeeded: wheel.deadline(of: 0) ?? 0)
    }
}
