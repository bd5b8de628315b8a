/// Incremental HTTP/1.1 response framer for the load generator's client side.
///
/// Feed it whatever `recv` returned; it walks the bytes once, never copies or
/// allocates, and stops at each thing the generator must time:
///
/// ```
///  HTTP/1.1 200 OK\r\n ... \r\n\r\n  7\r\n data: … \r\n  0\r\n\r\n  HTTP/1.1 200 …
///  └─ status line, headers ───────┘  └ .bodyStarted  └──────────┘ .complete  └ next response
///                                         .sentTimestamp per `"mock_sent_ns":N` in an SSE body
/// ```
///
/// A response may be split across any number of reads and a read may hold several
/// responses: `next` returns after each event with `offset` just past what it consumed,
/// and `.needMore` once the buffer is used up.
///
/// Framing follows RFC 9112 §6.3: no body for 1xx/204/304; Transfer-Encoding whose
/// last coding is `chunked` wins over Content-Length; otherwise Content-Length;
/// otherwise the body runs to end of stream. Line ends may be CRLF or a bare LF —
/// this is a measuring client, not a gatekeeper; strictness belongs to the proxy.
public struct ResponseParser: Sendable {
    public enum Event: Equatable, Sendable {
        /// The buffer is consumed; call again with the next read.
        case needMore
        /// The first payload byte is next (not emitted for empty bodies).
        case bodyStarted
        /// An SSE event carried `"mock_sent_ns":N` (sender's CLOCK_REALTIME).
        case sentTimestamp(UInt64)
        /// The response ended; the next byte belongs to the next response.
        case complete(status: Int, keepAlive: Bool)
        /// The stream cannot be framed; discard the connection.
        case malformed(ResponseParseError)
    }

    /// What end of stream means for the response in progress.
    public enum EndOfStream: Equatable, Sendable {
        /// No response had started: a clean close between responses.
        case idle
        /// The body was delimited by the close itself (RFC 9112 §6.3 rule 8).
        case complete(status: Int)
        /// The response was cut short.
        case truncated
    }

    /// Longest status line plus header section accepted.
    public static let headLimit = 64 * 1024
    /// Largest chunk size or Content-Length accepted (1 TiB): keeps the arithmetic far from overflow.
    static let bodyLimit: UInt64 = 1 << 40

    enum Phase: UInt8 {
        case statusLine, headerLineStart, headerName, headerValue
        case body, chunkSize, chunkExtension, chunkData, chunkDataEnd
        case trailerLineStart, trailerLine, untilClose, failed
    }

    enum HeaderKind: UInt8 { case other, contentLength, transferEncoding, connection, contentType }

    private(set) var phase = Phase.statusLine
    /// Status code of the response being parsed, 0 before its status line.
    public private(set) var status = 0
    /// The response in progress is `text/event-stream` (SSE).
    public private(set) var isEventStream = false
    private var minorVersion: UInt8 = 1
    private var column = 0
    private var headBytes = 0
    private var remaining: UInt64 = 0
    private var contentLength: UInt64 = 0
    private var hasContentLength = false
    private var transferEncodingSeen = false
    private var chunkedLast = false
    private var connectionClose = false
    private var connectionKeepAlive = false
    private var bodyStartedReported = false
    private var sawChunkDigit = false

    // Current header line.
    private var headerKind = HeaderKind.other
    private var nameLength = 0
    private var digitValue: UInt64 = 0
    private var digitCount = 0
    private var digitsEnded = false
    private var mediaTypeEnded = false
    private var contentLengthName = HeaderTokenMatcher("content-length")
    private var transferEncodingName = HeaderTokenMatcher("transfer-encoding")
    private var connectionName = HeaderTokenMatcher("connection")
    private var contentTypeName = HeaderTokenMatcher("content-type")
    private var chunkedToken = HeaderTokenMatcher("chunked")
    private var closeToken = HeaderTokenMatcher("close")
    private var keepAliveToken = HeaderTokenMatcher("keep-alive")
    private var eventStreamType = HeaderTokenMatcher("text/event-stream")

    private var timestamps = SentTimestampScanner()

    public init() {}

    /// Forgets any response in progress (after the connection is replaced).
    public mutating func reset() { self = ResponseParser() }

    /// A response has begun arriving and has not completed yet.
    public var isMidResponse: Bool { phase != .statusLine || column > 0 }

    /// Advances through `bytes[offset...]` up to and including the next event.
    public mutating func next(_ bytes: UnsafeRawBufferPointer, _ offset: inout Int) -> Event {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return .needMore }
        let end = bytes.count
        var i = offset
        defer { offset = i }
        while i < end {
            switch phase {
            case .statusLine:
                if let error = statusLineByte(base[i]) { return fail(error) }
                i += 1
                if let error = countHeadByte() { return fail(error) }

            case .headerLineStart:
                let byte = base[i]
                i += 1
                if let error = countHeadByte() { return fail(error) }
                if byte == UInt8(ascii: "\r") { continue }
                if byte == UInt8(ascii: "\n") {
                    if let event = headersEnded() { return event }
                    continue
                }
                startHeaderName()
                if let error = headerNameByte(byte) { return fail(error) }

            case .headerName:
                let byte = base[i]
                i += 1
                if let error = countHeadByte() { return fail(error) }
                if let error = headerNameByte(byte) { return fail(error) }

            case .headerValue:
                let byte = base[i]
                i += 1
                if let error = countHeadByte() { return fail(error) }
                if byte == UInt8(ascii: "\n") {
                    if let error = headerValueEnded() { return fail(error) }
                    phase = .headerLineStart
                } else if byte != UInt8(ascii: "\r") {
                    if let error = headerValueByte(byte) { return fail(error) }
                }

            case .body, .chunkData, .untilClose:
                if !bodyStartedReported {
                    bodyStartedReported = true
                    return .bodyStarted
                }
                let available = UInt64(end - i)
                let take = phase == .untilClose ? available : min(available, remaining)
                let stop = i + Int(take)
                if isEventStream {
                    var position = i
                    if let timestamp = timestamps.scan(base, &position, stop) {
                        if phase != .untilClose { remaining -= UInt64(position - i) }
                        i = position
                        return .sentTimestamp(timestamp)
                    }
                }
                i = stop
                if phase == .untilClose { continue }
                remaining -= take
                if remaining == 0 {
                    if phase == .body { return complete() }
                    phase = .chunkDataEnd
                    column = 0
                }

            case .chunkSize:
                let byte = base[i]
                i += 1
                if let value = hexValue(byte) {
                    guard remaining < Self.bodyLimit >> 4 else { return fail(.badChunkSize) }
                    remaining = remaining << 4 | UInt64(value)
                    sawChunkDigit = true
                } else if byte == UInt8(ascii: ";") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                    guard sawChunkDigit else { return fail(.badChunkSize) }
                    phase = .chunkExtension
                } else if byte == UInt8(ascii: "\r") {
                    continue
                } else if byte == UInt8(ascii: "\n") {
                    guard sawChunkDigit else { return fail(.badChunkSize) }
                    chunkSizeEnded()
                } else {
                    return fail(.badChunkSize)
                }

            case .chunkExtension:
                // Extensions (RFC 9112 §7.1.1) carry nothing we use: skip to the line end.
                let byte = base[i]
                i += 1
                if byte == UInt8(ascii: "\n") { chunkSizeEnded() }

            case .chunkDataEnd:
                let byte = base[i]
                i += 1
                if byte == UInt8(ascii: "\r") && column == 0 {
                    column = 1
                } else if byte == UInt8(ascii: "\n") {
                    phase = .chunkSize
                    remaining = 0
                    sawChunkDigit = false
                } else {
                    return fail(.badChunkTerminator)
                }

            case .trailerLineStart:
                let byte = base[i]
                i += 1
                if byte == UInt8(ascii: "\n") { return complete() }
                if byte != UInt8(ascii: "\r") { phase = .trailerLine }

            case .trailerLine:
                let byte = base[i]
                i += 1
                if byte == UInt8(ascii: "\n") { phase = .trailerLineStart }

            case .failed:
                i = end
                return .needMore
            }
        }
        return .needMore
    }

    /// Classifies end of stream for the response in progress.
    public func endOfStream() -> EndOfStream {
        switch phase {
        case .untilClose: .complete(status: status)
        case .statusLine where column == 0: .idle
        default: .truncated
        }
    }

    // MARK: status line and headers

    private mutating func statusLineByte(_ byte: UInt8) -> ResponseParseError? {
        // HTTP/1.x SP NNN [SP reason] — columns 0…11 are fixed (RFC 9112 §4).
        let prefix: StaticString = "HTTP/1."
        switch column {
        case 0 where byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r"):
            return nil  // stray blank line between responses
        case 0..<7:
            guard byte == prefix.utf8Start[column] else { return .badStatusLine }
        case 7:
            guard byte == UInt8(ascii: "0") || byte == UInt8(ascii: "1") else { return .badStatusLine }
            minorVersion = byte &- UInt8(ascii: "0")
        case 8:
            guard byte == UInt8(ascii: " ") else { return .badStatusLine }
        case 9..<12:
            guard let digit = decimalValue(byte) else { return .badStatusLine }
            status = status * 10 + Int(digit)
        default:
            if byte == UInt8(ascii: "\n") {
                guard column >= 12 else { return .badStatusLine }
                phase = .headerLineStart
                return nil
            }
            if column == 12 && byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\r") { return .badStatusLine }
        }
        column += 1
        return nil
    }

    private mutating func countHeadByte() -> ResponseParseError? {
        headBytes += 1
        return headBytes > Self.headLimit ? .headTooLarge : nil
    }

    private mutating func startHeaderName() {
        phase = .headerName
        headerKind = .other
        nameLength = 0
        contentLengthName.reset()
        transferEncodingName.reset()
        connectionName.reset()
        contentTypeName.reset()
    }

    private mutating func headerNameByte(_ byte: UInt8) -> ResponseParseError? {
        if byte == UInt8(ascii: ":") {
            guard nameLength > 0 else { return .badHeaderName }
            headerKind =
                contentLengthName.isMatch ? .contentLength
                : transferEncodingName.isMatch ? .transferEncoding
                : connectionName.isMatch ? .connection
                : contentTypeName.isMatch ? .contentType : .other
            startHeaderValue()
            return nil
        }
        if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") {
            return .badHeaderName
        }
        nameLength += 1
        contentLengthName.feed(byte)
        transferEncodingName.feed(byte)
        connectionName.feed(byte)
        contentTypeName.feed(byte)
        return nil
    }

    private mutating func startHeaderValue() {
        phase = .headerValue
        digitValue = 0
        digitCount = 0
        digitsEnded = false
        mediaTypeEnded = false
        chunkedToken.reset()
        closeToken.reset()
        keepAliveToken.reset()
        eventStreamType.reset()
    }

    private mutating func headerValueByte(_ byte: UInt8) -> ResponseParseError? {
        let isWhitespace = byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
        switch headerKind {
        case .other:
            return nil
        case .contentLength:
            if isWhitespace {
                if digitCount > 0 { digitsEnded = true }
                return nil
            }
            guard let digit = decimalValue(byte), !digitsEnded, digitValue < Self.bodyLimit else {
                return .badContentLength
            }
            digitValue = digitValue * 10 + UInt64(digit)
            digitCount += 1
        case .transferEncoding:
            if byte == UInt8(ascii: ",") {
                chunkedToken.reset()
            } else if !isWhitespace {
                chunkedToken.feed(byte)
            }
        case .connection:
            if byte == UInt8(ascii: ",") {
                noteConnectionToken()
            } else if !isWhitespace {
                closeToken.feed(byte)
                keepAliveToken.feed(byte)
            }
        case .contentType:
            if byte == UInt8(ascii: ";") {
                mediaTypeEnded = true
            } else if !isWhitespace && !mediaTypeEnded {
                eventStreamType.feed(byte)
            }
        }
        return nil
    }

    private mutating func noteConnectionToken() {
        if closeToken.isMatch { connectionClose = true }
        if keepAliveToken.isMatch { connectionKeepAlive = true }
        closeToken.reset()
        keepAliveToken.reset()
    }

    private mutating func headerValueEnded() -> ResponseParseError? {
        switch headerKind {
        case .other:
            break
        case .contentLength:
            guard digitCount > 0, digitValue <= Self.bodyLimit else { return .badContentLength }
            if hasContentLength && contentLength != digitValue { return .conflictingContentLength }
            hasContentLength = true
            contentLength = digitValue
        case .transferEncoding:
            transferEncodingSeen = true
            chunkedLast = chunkedToken.isMatch
        case .connection:
            noteConnectionToken()
        case .contentType:
            isEventStream = eventStreamType.isMatch
        }
        return nil
    }

    /// Picks the body framing once the blank line ending the head arrives (RFC 9112 §6.3).
    private mutating func headersEnded() -> Event? {
        if status >= 100 && status < 200 && status != 101 {
            // Interim response (e.g. 100 Continue): the real one follows.
            self = ResponseParser()
            return nil
        }
        if status == 101 || status == 204 || status == 304 { return complete() }
        if transferEncodingSeen {
            if chunkedLast {
                phase = .chunkSize
                remaining = 0
                sawChunkDigit = false
            } else {
                phase = .untilClose
            }
            return nil
        }
        if hasContentLength {
            if contentLength == 0 { return complete() }
            phase = .body
            remaining = contentLength
            return nil
        }
        phase = .untilClose
        return nil
    }

    private mutating func chunkSizeEnded() {
        if remaining == 0 {
            phase = .trailerLineStart
        } else {
            phase = .chunkData
        }
    }

    private mutating func complete() -> Event {
        let keepAlive =
            phase != .untilClose && status != 101
            && (minorVersion == 1 ? !connectionClose : connectionKeepAlive && !connectionClose)
        let event = Event.complete(status: status, keepAlive: keepAlive)
        self = ResponseParser()
        return event
    }

    private mutating func fail(_ error: ResponseParseError) -> Event {
        phase = .failed
        return .malformed(error)
    }
}

@inline(__always)
private func decimalValue(_ byte: UInt8) -> UInt8? {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? byte &- UInt8(ascii: "0") : nil
}

@inline(__always)
private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
    default: nil
    }
}
