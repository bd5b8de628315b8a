/// One keep-alive client connection of the generator, stored inline in its slab.
struct ConnectionSlot {
    enum State: UInt8 {
        /// No socket; `retryAt` says when to connect again.
        case disconnected
        /// Non-blocking connect in flight.
        case connecting
        /// Connected, no request outstanding.
        case idle
        /// A request is outstanding (possibly not fully written yet).
        case busy
    }

    var fd: Int32 = -1
    var state = State.disconnected
    /// Bumped on every close so events queued for an older socket are recognised and dropped.
    var generation: UInt32 = 0
    var parser = ResponseParser()
    /// Latency origin: the intended send time (open loop) or actual send time (closed loop).
    var intendedAt: UInt64 = 0
    /// When the request was actually written: the timeout runs from here.
    var sentAt: UInt64 = 0
    /// Request bytes written so far.
    var written = 0
    /// EPOLLOUT is in the interest set (a write hit a full socket buffer).
    var writeArmed = false
    var measured = false
    /// Waiting in the generator's idle stack (prevents pushing a slot twice).
    var inIdleStack = false
    var retryAt: UInt64 = 0
    /// Consecutive failed connects, for back-off.
    var connectFailures = 0

    var epollToken: UInt64 { UInt64(generation) << 32 }
}
