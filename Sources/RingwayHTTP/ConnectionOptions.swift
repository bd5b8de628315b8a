/// The Connection header (RFC 9110 §7.6.1): `Connection = #connection-option`.
///
/// `close` and `keep-alive` decide persistence. Any other option names a field
/// that is hop-by-hop for this message; its range is kept (in array storage the
/// head reuses) so the field can be marked `.listedInConnection` and dropped by
/// the writers.
@usableFromInline
struct ConnectionOptions {
    @usableFromInline var close = false
    @usableFromInline var keepAlive = false

    @inlinable init() {}

    @inlinable
    mutating func add(
        _ base: UnsafeRawPointer, _ valueStart: Int, _ valueEnd: Int,
        names: inout [ByteRange], maxNames: Int
    ) -> HTTPParseError? {
        var i = valueStart
        while true {
            while i < valueEnd && ByteClass.isWhitespace(base.load(fromByteOffset: i, as: UInt8.self)) { i &+= 1 }
            let start = i
            while i < valueEnd && ByteClass.isToken(base.load(fromByteOffset: i, as: UInt8.self)) { i &+= 1 }
            let end = i
            while i < valueEnd && ByteClass.isWhitespace(base.load(fromByteOffset: i, as: UInt8.self)) { i &+= 1 }
            if i < valueEnd && base.load(fromByteOffset: i, as: UInt8.self) != ASCII.comma {
                return .invalidConnectionOption
            }
            // Empty elements are allowed in lists (RFC 9110 §5.6.1) and harmless here.
            if end > start {
                let option = base + start
                let count = end &- start
                if HeaderNames.matches(option, count, "close") {
                    close = true
                } else {
                    let kind = HeaderNames.classify(option, count: count)
                    switch kind {
                    case .keepAlive:
                        keepAlive = true
                    case .contentLength, .transferEncoding, .host:
                        // Stripping these would change where the body ends or
                        // who it is for, a known way to desynchronise a chain.
                        return .connectionListsFramingField
                    case .connection, .proxyConnection, .te, .upgrade:
                        break  // dropped by the writers anyway
                    default:
                        if names.count >= maxNames { return .tooManyConnectionOptions }
                        names.append(ByteRange(start: start, end: end))
                    }
                }
            }
            if i >= valueEnd { return nil }
            i &+= 1
        }
    }

    /// Marks every field whose name is in `names` as `.listedInConnection`.
    /// Returns the kinds that were marked among x-forwarded-for and
    /// x-request-id, so the head can forget values that will not be forwarded.
    @inlinable
    static func markListed(
        _ headers: inout [HeaderField], names: [ByteRange], base: UnsafeRawPointer
    ) -> (forwardedFor: Bool, requestID: Bool) {
        var forwardedFor = false
        var requestID = false
        for h in headers.indices {
            let field = headers[h]
            if field.kind.isHopByHop { continue }
            let count = field.name.count
            for option in names where option.count == count {
                if HeaderNames.equalIgnoringCase(base + Int(field.name.start), base + Int(option.start), count: count) {
                    if field.kind == .xForwardedFor { forwardedFor = true }
                    if field.kind == .xRequestID { requestID = true }
                    headers[h].kind = .listedInConnection
                    break
                }
            }
        }
        return (forwardedFor, requestID)
    }
}
