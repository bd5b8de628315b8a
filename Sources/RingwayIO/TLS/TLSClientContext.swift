import CRingwayEngine

/// Client-side TLS settings shared by every upstream connection of a process
/// or pool: one `SSL_CTX` with the system trust store (plus an optional extra
/// CA file), TLS 1.2 minimum, ALPN "http/1.1", and a resumption cache keyed
/// by server host name.
///
/// Creating one loads trust stores from disk (milliseconds): do it at start-up
/// or on config reload, never per connection. It may be shared by worker
/// threads — `SSL_CTX` is thread-safe for creating sessions and the
/// resumption cache is locked (once per handshake, never per record).
public final class TLSClientContext: @unchecked Sendable {
    @usableFromInline let pointer: OpaquePointer

    /// - Parameters:
    ///   - caFile: a PEM bundle trusted in addition to the system store.
    ///   - verifyPeer: `false` skips certificate and host name checks — for
    ///     tests against throwaway servers only.
    public init(caFile: String? = nil, verifyPeer: Bool = true) throws(TLSError) {
        let capacity = 512
        let message = UnsafeMutablePointer<CChar>.allocate(capacity: capacity)
        message.initialize(repeating: 0, count: capacity)
        defer { message.deallocate() }
        let verify: Int32 = verifyPeer ? 1 : 0
        let made: OpaquePointer?
        if let caFile {
            made = caFile.withCString { rw_tls_ctx_new($0, verify, message, UInt32(capacity)) }
        } else {
            made = rw_tls_ctx_new(nil, verify, message, UInt32(capacity))
        }
        guard let made else { throw TLSError(String(cString: message)) }
        pointer = made
    }

    /// Sessions keep the C context alive on their own; this drops ours.
    deinit { rw_tls_ctx_free(pointer) }

    /// The OpenSSL library loaded at run time, e.g. "OpenSSL 3.0.13 30 Jan 2024".
    public static var libraryVersion: String { String(cString: rw_tls_library_version()) }
}
