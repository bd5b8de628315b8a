/// Strict HTTP/1.1 response-head parser (RFC 9112 §4-§6). Same structure,
/// field rules and restart contract as `RequestHeadParser`; errors carry
/// request-style statuses and the proxy answers its client with 502.
///
///     status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF
public enum ResponseHeadParser {
    @inlinable
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, requestWasHEAD: Bool, limits: HTTPLimits, into head: inout ResponseHead
    ) -> HeadParseResult {
        head.reset()
        guard let base = bytes.baseAddress, bytes.count > 0 else { return .incomplete }
        let end = min(bytes.count, limits.maxHeaderBytes)
        let result = parseHead(base, end: end, requestWasHEAD: requestWasHEAD, limits: limits, head: &head)
        if case .incomplete = result, bytes.count >= limits.maxHeaderBytes {
            return .failure(.headerTooLarge)
        }
        return result
    }

    @inlinable
    static func parseHead(
        _ base: UnsafeRawPointer, end: Int, requestWasHEAD: Bool, limits: HTTPLimits, head: inout ResponseHead
    ) -> HeadParseResult {
        var i = 0
        switch HTTPVersionScanner.scan(base, at: i, end: end) {
        case .incomplete:
            return .incomplete
        case .failure(let error):
            return .failure(error)
        case .version(let supported, let isHTTP11, let next):
            guard next < end else { return .incomplete }
            guard base.load(fromByteOffset: next, as: UInt8.self) == ASCII.space else { return .failure(.invalidVersion) }
            guard supported else { return .failure(.unsupportedVersion) }
            head.isHTTP11 = isHTTP11
            i = next &+ 1
        }

        // status-code = 3DIGIT; RFC 9110 §15 defines 100-599 only.
        var status = 0
        for k in 0..<3 {
            guard i &+ k < end else { return .incomplete }
            let b = base.load(fromByteOffset: i &+ k, as: UInt8.self)
            guard ByteClass.isDigit(b) else { return .failure(.invalidStatusCode) }
            status = status &* 10 &+ Int(b &- 0x30)
        }
        guard status >= 100 && status <= 599 else { return .failure(.invalidStatusCode) }
        head.status = status
        i &+= 3
        guard i < end else { return .incomplete }
        guard base.load(fromByteOffset: i, as: UInt8.self) == ASCII.space else { return .failure(.missingReasonSeparator) }
        i &+= 1

        // reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )
        let reasonStart = i
        while true {
            i = ByteScan.firstControl(base, from: i, end: end)
            guard i < end else { return .incomplete }
            let b = base.load(fromByteOffset: i, as: UInt8.self)
            if b == ASCII.htab { i &+= 1; continue }
            if b == ASCII.lf { return .failure(.bareLF) }
            guard b == ASCII.cr else { return .failure(.invalidReasonByte) }
            guard i &+ 1 < end else { return .incomplete }
            guard base.load(fromByteOffset: i &+ 1, as: UInt8.self) == ASCII.lf else { return .failure(.bareCR) }
            head.reason = ByteRange(start: reasonStart, end: i)
            i &+= 2
            break
        }

        var framing = FramingFields()
        var connection = ConnectionOptions()
        var isEventStream = false
        fields: while true {
            if i < end && head.headers.count >= limits.maxHeaderCount {
                let b = base.load(fromByteOffset: i, as: UInt8.self)
                if b != ASCII.cr && b != ASCII.lf { return .failure(.tooManyHeaders) }
            }
            switch FieldLineScanner.scan(base, from: i, end: end) {
            case .incomplete:
                return .incomplete
            case .failure(let error):
                return .failure(error)
            case .endOfHead(let next):
                i = next
                break fields
            case .field(let nameEnd, let valueStart, let valueEnd, let next):
                let kind = HeaderNames.classify(base + i, count: nameEnd &- i)
                head.headers.append(HeaderField(
                    name: ByteRange(start: i, end: nameEnd), value: ByteRange(start: valueStart, end: valueEnd), kind: kind
                ))
                switch kind {
                case .contentLength:
                    if let error = framing.addContentLength(base, valueStart, valueEnd) { return .failure(error) }
                case .transferEncoding:
                    if let error = framing.addTransferEncoding(base, valueStart, valueEnd) { return .failure(error) }
                case .connection:
                    if let error = connection.add(
                        base, valueStart, valueEnd,
                        names: &head.connectionOptions, maxNames: limits.maxConnectionOptions
                    ) { return .failure(error) }
                case .contentType:
                    isEventStream = isEventStreamMediaType(base, valueStart, valueEnd)
                default:
                    break
                }
                i = next
            }
        }

        // RFC 9112 §6.1 lets a client treat a response whose final coding is
        // not chunked as delimited by close; we reject it instead (strict,
        // and such an upstream is broken).
        if let error = framing.transferEncodingError { return .failure(error) }

        head.isEventStream = isEventStream
        head.keepAlive = head.isHTTP11 ? !connection.close : (connection.keepAlive && !connection.close)

        // RFC 9112 §6.3, in order:
        //  1. responses to HEAD, and 1xx, 204 and 304 responses end at the head;
        //  3/4. Transfer-Encoding with chunked last -> chunked;
        //  5/6. a valid Content-Length -> that many bytes;
        //  8. otherwise the body runs until the server closes.
        // (Item 2, 2xx to CONNECT, is a tunnel the proxy never opens.)
        if requestWasHEAD || status < 200 || status == 204 || status == 304 {
            head.framing = .none
        } else if framing.hasTransferEncoding {
            head.framing = .chunked
        } else if framing.hasContentLength {
            head.framing = .contentLength(framing.contentLength)
        } else {
            head.framing = .untilClose
            head.keepAlive = false
        }

        if !head.connectionOptions.isEmpty {
            _ = ConnectionOptions.markListed(&head.headers, names: head.connectionOptions, base: base)
        }
        return .complete(headLength: i)
    }

    /// media-type = type "/" subtype parameters (RFC 9110 §8.3.1); only the
    /// type/subtype, compared case-insensitively, decides.
    @inlinable
    static func isEventStreamMediaType(_ base: UnsafeRawPointer, _ start: Int, _ end: Int) -> Bool {
        let length = 17  // "text/event-stream"
        guard end &- start >= length,
              HeaderNames.valueEquals(base + start, length, "text/event-stream") else { return false }
        if end &- start == length { return true }
        let next = base.load(fromByteOffset: start &+ length, as: UInt8.self)
        return next == ASCII.semicolon || ByteClass.isWhitespace(next)
    }
}
