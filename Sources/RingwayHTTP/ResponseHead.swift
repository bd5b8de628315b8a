/// A parsed upstream response head. Reused per upstream connection like
/// `RequestHead`: parsing resets it without giving back array capacity.
public struct ResponseHead: Sendable {
    public var status: Int
    public var isHTTP11: Bool
    /// The reason phrase, possibly empty.
    public var reason: ByteRange
    public var headers: [HeaderField]
    public var framing: BodyFraming
    /// The upstream connection can carry another request after this response:
    /// false on `Connection: close`, on HTTP/1.0 without `keep-alive`, and
    /// whenever the body is delimited by close.
    public var keepAlive: Bool
    /// Content-Type's media type is text/event-stream (parameters ignored,
    /// case-insensitive, RFC 9110 §8.3.1).
    public var isEventStream: Bool
    /// Field names the Connection header listed; see `RequestHead`.
    public var connectionOptions: [ByteRange]

    public init() {
        status = 0
        isHTTP11 = true
        reason = ByteRange(start: 0, end: 0)
        headers = []
        // Room for a typical head; a bigger one grows the array once and
        // keeps the capacity. Idle keep-alive connections hold these arrays,
        // so the default is kept small.
        headers.reserveCapacity(16)
        framing = .none
        keepAlive = true
        isEventStream = false
        connectionOptions = []
    }

    @inlinable
    public mutating func reset() {
        status = 0
        isHTTP11 = true
        reason = ByteRange(start: 0, end: 0)
        headers.removeAll(keepingCapacity: true)
        framing = .none
        keepAlive = true
        isEventStream = false
        connectionOptions.removeAll(keepingCapacity: true)
    }

    /// 1xx: the final response is still to come on this connection.
    @inlinable
    public var isInformational: Bool { status < 200 }
}
