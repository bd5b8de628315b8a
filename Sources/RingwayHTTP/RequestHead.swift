/// A parsed request head: ranges into the buffer that was parsed plus the
/// facts the proxy acts on.
///
/// One instance lives per connection and is reused for every request on it:
/// `RequestHeadParser.parse` resets it without giving back array capacity, so
/// after the first request parsing allocates nothing.
public struct RequestHead: Sendable {
    public var method: ByteRange
    public var target: ByteRange
    /// false means HTTP/1.0.
    public var isHTTP11: Bool
    /// Every field line in order, values OWS-trimmed.
    public var headers: [HeaderField]
    /// `.none` when the request has neither Content-Length nor Transfer-Encoding;
    /// never `.untilClose` (RFC 9112 §6.3 item 7).
    public var framing: BodyFraming
    public var isHEAD: Bool
    public var isCONNECT: Bool
    /// HTTP/1.1: true unless Connection has `close`. HTTP/1.0: true only with
    /// `keep-alive` and without `close` (RFC 9112 §9.3).
    public var keepAlive: Bool
    /// `Expect: 100-continue` on an HTTP/1.1 request. RFC 9110 §10.1.1 says to
    /// ignore the expectation on HTTP/1.0, so it stays false there.
    public var expectsContinue: Bool
    /// Value of the single Host field; nil only on HTTP/1.0 without Host.
    public var host: ByteRange?
    /// An Upgrade field was present (it is dropped when forwarding).
    public var hasUpgrade: Bool
    /// Value of the first x-request-id field, if any.
    public var requestID: ByteRange?
    /// Value of the last X-Forwarded-For line. Several lines are legal (they
    /// form one comma list, RFC 9110 §5.3), so they are not rejected:
    /// `forwardedForCount` says how many there were, and the request writer
    /// joins them all into one line before appending the client address.
    public var forwardedFor: ByteRange?
    public var forwardedForCount: Int
    /// Field names the Connection header listed (other than close, keep-alive
    /// and fields dropped anyway); the matching fields have kind
    /// `.listedInConnection`.
    public var connectionOptions: [ByteRange]

    public init() {
        method = ByteRange(start: 0, end: 0)
        target = ByteRange(start: 0, end: 0)
        isHTTP11 = true
        headers = []
        // Room for a typical head; a bigger one grows the array once and
        // keeps the capacity. Idle keep-alive connections hold these arrays,
        // so the default is kept small.
        headers.reserveCapacity(16)
        framing = .none
        isHEAD = false
        isCONNECT = false
        keepAlive = true
        expectsContinue = false
        host = nil
        hasUpgrade = false
        requestID = nil
        forwardedFor = nil
        forwardedForCount = 0
        connectionOptions = []
    }

    /// Back to the freshly-initialised state, keeping array capacity.
    @inlinable
    public mutating func reset() {
        method = ByteRange(start: 0, end: 0)
        target = ByteRange(start: 0, end: 0)
        isHTTP11 = true
        headers.removeAll(keepingCapacity: true)
        framing = .none
        isHEAD = false
        isCONNECT = false
        keepAlive = true
        expectsContinue = false
        host = nil
        hasUpgrade = false
        requestID = nil
        forwardedFor = nil
        forwardedForCount = 0
        connectionOptions.removeAll(keepingCapacity: true)
    }
}
