/// What the request writer adds about the client, as bytes owned by the
/// caller and valid for the duration of the `write` call. The writer does not
/// validate them: the proxy produces them itself (an address it formatted, an
/// id it generated), so they must already be legal field values.
public struct ForwardingContext {
    /// The scheme the client used, for X-Forwarded-Proto.
    public enum Proto: Sendable {
        case http
        case https

        @inlinable
        var bytes: StaticString {
            switch self {
            case .http: return "http"
            case .https: return "https"
            }
        }
    }

    /// The client's IP address as text ("203.0.113.7", "2001:db8::1", no
    /// brackets or port), appended to X-Forwarded-For.
    public var clientAddress: UnsafeRawBufferPointer
    public var proto: Proto
    /// A generated request id, sent as X-Request-ID only when the client sent
    /// none. Empty: add nothing.
    public var requestID: UnsafeRawBufferPointer
    /// Empty: forward the client's Host as it is. Otherwise the upstream gets
    /// `Host: <hostOverride>` as its first field and the client's Host is
    /// dropped. Pass the upstream's authority here when the upstream needs it
    /// (virtual-hosted APIs), and for the authority of an absolute-form
    /// target (RFC 9112 §3.2.2).
    public var hostOverride: UnsafeRawBufferPointer

    @inlinable
    public init(
        clientAddress: UnsafeRawBufferPointer,
        proto: Proto,
        requestID: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        hostOverride: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    ) {
        self.clientAddress = clientAddress
        self.proto = proto
        self.requestID = requestID
        self.hostOverride = hostOverride
    }
}
