import RingwayIO

enum UpstreamPhase {
    case connecting
    /// In the worker's idle pool, receive armed to notice the server closing.
    case idle
    /// Serving the exchange of client `client`.
    case busy
    case closed
}

/// One connection to the upstream server, pooled per worker.
final class UpstreamConnection {
    let slot: Int32
    var generation: UInt32 = 0
    var fd: Int32 = -1
    var phase = UpstreamPhase.closed
    var client: Int32 = -1

    var recv = MultishotReceive()
    var closeSubmitted = false
    var closeCompleted = false

    let sendQueue = SendQueue()
    /// False once anything makes the connection unfit for another request
    /// (the server asked to close, sent stray bytes, or the exchange broke).
    var reusable = true
    var connectDeadline: UInt64 = 0
    var idleDeadline: UInt64 = 0
    var connectInFlight = false
    /// The table generation and endpoint this connection was opened for.
    var routing: WorkerRouting?
    var endpoint: Int32 = -1
    /// Set while the connection carries a shadow copy instead of a client's
    /// request (`client` is then -1).
    var shadow: ShadowExchange?
    /// https endpoints only: the connection's TLS records. `sendQueue` then
    /// holds plaintext until it is encrypted, and `tls.cipher` does the
    /// sends. nil = plaintext, relayed zero-copy.
    var tls: UpstreamTLS?

    init(slot: Int32) { self.slot = slot }

    var hasOperationsInFlight: Bool {
        recv.armed || sendQueue.inFlight || (closeSubmitted && !closeCompleted) || connectInFlight
            || tls?.cipher.inFlight == true
    }
}
