import CRingwayEngine

/// The TLS records of one upstream connection, over memory buffers: OpenSSL
/// never sees the socket, so io_uring keeps owning it.
///
/// ```
///  recv completion ─▶ feed(ciphertext) ─▶ handshake() / read(into:) ─▶ plaintext ─▶ relay
///  plaintext to send ─▶ write(plain) ─▶ take(into: send buffer) ─▶ send SQE
/// ```
///
/// Driving it from the completion loop (one session per upstream connection,
/// confined to the worker thread that owns the connection):
///
/// 1. Connect completion: create the session and call `handshake()`; it
///    returns `false` with the ClientHello queued. Send it: `take(into:)` a
///    send buffer while `pendingOutput > 0`, submit the send(s).
/// 2. Every recv completion: `feed` the received bytes (the session copies
///    them, so the provided buffer goes back to the ring at once), then
///    - while handshaking: `handshake()`; `false` → flush `pendingOutput`
///      and keep receiving; `true` → flush `pendingOutput` (the client's
///      Finished may still be queued) and send the request; a throw is the
///      upstream's connect error (message names the cause and the host).
///    - after the handshake: `read(into:)` repeatedly into the connection's
///      receive-side plaintext buffer until `.needMoreInput`; feed each
///      `.bytes(n)` slice to the HTTP response parser / relay. Flush
///      `pendingOutput` afterwards: reading can queue records too (a TLS 1.3
///      key-update reply). `.closed` is a clean end of stream; a recv of 0
///      bytes before `.closed` is a truncation — rely on HTTP framing, and
///      treat an incomplete message as a broken upstream.
/// 3. Send path: `write(plain)` encrypts everything at once (request head and
///    body chunks, as they become ready) into pending output; then `take(into:)`
///    send buffers until `pendingOutput == 0`. Ciphertext must be sent in the
///    order it was taken; with one send in flight per connection, take the
///    next piece on its completion. Bound the plaintext accepted by the bytes
///    in flight rule, since pending output grows without limit otherwise.
/// 4. Closing (idle timeout, pool shrink): `shutdown()` queues close_notify;
///    send it, then close. Worth the extra send: OpenSSL-based servers
///    (s_server in the tests) refuse to resume a session whose client closed
///    without it. A keep-alive connection back in the pool keeps its session
///    object as it is; a new connection to the same host resumes through the
///    context's cache (about 2.5× cheaper than a full handshake, measured).
/// 5. Errors: every throw carries a message naming the cause and the host;
///    after a handshake failure `pendingOutput` may hold a fatal alert —
///    sending it is courteous, not required. Then close the socket and drop
///    the session; a session that failed is never reused.
///
/// Costs: `feed`, `read`, `write` and `take` copy bytes but never allocate in
/// Swift; the memory BIOs grow to the largest burst and keep that capacity,
/// so bound plaintext accepted per turn (e.g. one send buffer's worth).
public final class TLSClientSession {
    @usableFromInline let pointer: OpaquePointer
    /// Keeps the Swift context alive; the C side holds its own reference too.
    public let context: TLSClientContext
    /// The host name this session sends as SNI and verifies.
    public let host: String
    /// One preallocated message buffer, filled only on the error path.
    @usableFromInline let errorBuffer: UnsafeMutablePointer<CChar>
    @usableFromInline static let errorCapacity = 512

    /// A session for `host` (a DNS name, sent as SNI and checked against the
    /// certificate; or an IP literal, checked against its IP SANs).
    public init(context: TLSClientContext, host: String) throws(TLSError) {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Self.errorCapacity)
        buffer.initialize(repeating: 0, count: Self.errorCapacity)
        let made = host.withCString { rw_tls_session_new(context.pointer, $0, buffer, UInt32(Self.errorCapacity)) }
        guard let made else {
            let error = TLSError(String(cString: buffer))
            buffer.deallocate()
            throw error
        }
        errorBuffer = buffer
        pointer = made
        self.context = context
        self.host = host
    }

    deinit {
        rw_tls_session_free(pointer)
        errorBuffer.deallocate()
    }

    @usableFromInline func lastError() -> TLSError { TLSError(String(cString: errorBuffer)) }

    /// Takes received ciphertext; all of it is copied in.
    @inlinable public func feed(_ ciphertext: UnsafeRawBufferPointer) throws(TLSError) {
        guard let base = ciphertext.baseAddress, ciphertext.count > 0 else { return }
        if rw_tls_feed(pointer, base, ciphertext.count) != 0 {
            throw TLSError("TLS feed failed: out of memory (host \(host))")
        }
    }

    /// Advances the handshake: `true` when it is complete, `false` when it
    /// needs more ciphertext (send `pendingOutput` first).
    @inlinable public func handshake() throws(TLSError) -> Bool {
        let result = rw_tls_handshake(pointer, errorBuffer, UInt32(Self.errorCapacity))
        if result < 0 { throw lastError() }
        return result == 1
    }

    /// Decrypts what was fed into `buffer` (not empty). Call again after
    /// `.bytes`: one call returns at most one record's plaintext.
    @inlinable public func read(into buffer: UnsafeMutableRawBufferPointer) throws(TLSError) -> TLSRead {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            preconditionFailure("TLSClientSession.read needs a non-empty buffer")
        }
        let result = rw_tls_read(pointer, base, buffer.count, errorBuffer, UInt32(Self.errorCapacity))
        if result > 0 { return .bytes(result) }
        if result == 0 { return .needMoreInput }
        if result == Int(RW_TLS_CLOSED) { return .closed }
        throw lastError()
    }

    /// Encrypts all of `plaintext` into pending output (handshake finished).
    @inlinable public func write(_ plaintext: UnsafeRawBufferPointer) throws(TLSError) {
        guard let base = plaintext.baseAddress, plaintext.count > 0 else { return }
        if rw_tls_write(pointer, base, plaintext.count, errorBuffer, UInt32(Self.errorCapacity)) < 0 {
            throw lastError()
        }
    }

    /// Ciphertext bytes waiting to be sent.
    @inlinable public var pendingOutput: Int { rw_tls_pending_output(pointer) }

    /// Moves up to `buffer.count` bytes of pending ciphertext into `buffer`;
    /// returns how many.
    @inlinable public func take(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        return rw_tls_take_output(pointer, base, buffer.count)
    }

    /// Queues a close_notify alert (nothing before the handshake finished).
    public func shutdown() { rw_tls_shutdown(pointer) }

    /// The ALPN protocol the server chose, nil if it did not use ALPN.
    public var negotiatedALPN: String? {
        guard let text = rw_tls_negotiated_alpn(pointer) else { return nil }
        return String(cString: text)
    }

    /// "TLSv1.3", "TLSv1.2".
    public var protocolVersion: String { String(cString: rw_tls_protocol(pointer)) }

    /// Whether the handshake resumed a session cached by the context.
    public var isResumed: Bool { rw_tls_resumed(pointer) == 1 }
}
