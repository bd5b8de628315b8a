/// One field line of a parsed head, as ranges into the parsed buffer.
public struct HeaderField: Equatable, Sendable {
    /// The field name as sent (case preserved).
    public var name: ByteRange
    /// The field value with leading and trailing OWS removed (RFC 9112 §5).
    public var value: ByteRange
    /// What the parser recognised the name as; lets the writers drop and keep
    /// fields without comparing names again.
    public var kind: HeaderKind

    @inlinable
    public init(name: ByteRange, value: ByteRange, kind: HeaderKind = .other) {
        self.name = name
        self.value = value
        self.kind = kind
    }
}

/// Field names the parsers and writers act on. Everything else is `.other` and
/// passes through untouched.
public enum HeaderKind: UInt8, Sendable {
    case other
    case contentLength
    case transferEncoding
    case host
    case connection
    case keepAlive
    case proxyConnection
    case te
    case upgrade
    case trailer
    case expect
    case contentType
    case xRequestID
    case xForwardedFor
    case xForwardedProto
    /// A field whose name the message's own Connection header listed: hop-by-hop
    /// for this message only, so intermediaries remove it (RFC 9110 §7.6.1).
    case listedInConnection

    /// Fields an intermediary removes before forwarding whether or not
    /// Connection names them (RFC 9110 §7.6.1: Connection itself, Proxy-Connection,
    /// Keep-Alive, TE, Upgrade). Transfer-Encoding is also in that list but is
    /// *kept*: Ringway relays the chunked body unchanged, so the coding it names
    /// is still the one the forwarded message carries. Trailer is not
    /// hop-by-hop in RFC 9110 (§6.6.2 makes it end-to-end metadata about the
    /// trailer section, which is relayed too), so it is kept.
    @inlinable
    public var isHopByHop: Bool {
        switch self {
        case .connection, .keepAlive, .proxyConnection, .te, .upgrade, .listedInConnection:
            return true
        default:
            return false
        }
    }
}
