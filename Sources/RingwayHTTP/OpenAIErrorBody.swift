/// Error responses in the shape OpenAI-compatible clients parse:
///
///     {"error":{"message":"...","type":"...","code":"..."}}
///
/// `type` by status (`errorType(forStatus:)`), following OpenAI's documented
/// vocabulary where it has a word and naming the fault domain where it has not:
///
///     4xx (bad input, incl. 401/403/413/414/417/431)  invalid_request_error
///     429                                              rate_limit_error
///     408, 504                                         timeout_error
///     501, 505 (client's protocol choice)              invalid_request_error
///     502 (upstream broke the exchange)                upstream_error
///     503 (no healthy upstream, overload)              service_unavailable_error
///     other 5xx                                        server_error
public enum OpenAIErrorBody {
    @inlinable
    public static func reasonPhrase(_ status: Int) -> StaticString {
        HTTPStatusReason.phrase(status)
    }

    @inlinable
    public static func errorType(forStatus status: Int) -> StaticString {
        switch status {
        case 429: return "rate_limit_error"
        case 408, 504: return "timeout_error"
        case 501, 505: return "invalid_request_error"
        case 502: return "upstream_error"
        case 503: return "service_unavailable_error"
        case 400..<500: return "invalid_request_error"
        default: return "server_error"
        }
    }

    /// A complete HTTP/1.1 response: status line, `Content-Type:
    /// application/json`, `Content-Length`, `Connection: close` when `close`,
    /// the extra header lines verbatim (each ending in CRLF), CRLF, then the
    /// JSON body. Returns the bytes written, or nil if they do not fit or the
    /// status is not three digits.
    public static func writeResponse(
        status: Int, message: UnsafeRawBufferPointer, type: StaticString, code: StaticString,
        close: Bool, extraHeaderLines: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        into out: UnsafeMutableRawBufferPointer
    ) -> Int? {
        guard status >= 100 && status <= 999 else { return nil }
        return withRawBytes(type) { type in
            withRawBytes(code) { code in
                var w = ByteWriter(out)
                w.append("HTTP/1.1 ")
                w.appendDecimal(Int64(status))
                w.append(byte: ASCII.space)
                w.append(HTTPStatusReason.phrase(status))
                w.append("\r\nContent-Type: application/json\r\nContent-Length: ")
                w.appendDecimal(Int64(bodyCount(message: message, type: type, code: code)))
                w.appendCRLF()
                if close { w.append("Connection: close\r\n") }
                w.append(extraHeaderLines)
                w.appendCRLF()
                appendBody(message: message, type: type, code: code, to: &w)
                return w.result
            }
        }
    }

    public static func writeResponse(
        status: Int, message: StaticString, type: StaticString, code: StaticString,
        close: Bool, extraHeaderLines: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        into out: UnsafeMutableRawBufferPointer
    ) -> Int? {
        withRawBytes(message) {
            writeResponse(status: status, message: $0, type: type, code: code,
                          close: close, extraHeaderLines: extraHeaderLines, into: out)
        }
    }

    /// The response for a rejected request: the error's status, message and
    /// code, the type its status maps to.
    public static func writeResponse(
        for error: HTTPParseError, close: Bool,
        extraHeaderLines: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        into out: UnsafeMutableRawBufferPointer
    ) -> Int? {
        writeResponse(status: error.status, message: error.message, type: errorType(forStatus: error.status),
                      code: error.code, close: close, extraHeaderLines: extraHeaderLines, into: out)
    }

    /// The SSE event that tells a client a stream broke after its 200 was
    /// sent: `data: {"error":{...}}` followed by a blank line (the shape vLLM
    /// emits mid-stream).
    public static func writeStreamErrorEvent(
        message: UnsafeRawBufferPointer, type: StaticString, code: StaticString,
        into out: UnsafeMutableRawBufferPointer
    ) -> Int? {
        withRawBytes(type) { type in
            withRawBytes(code) { code in
                var w = ByteWriter(out)
                w.append("data: ")
                appendBody(message: message, type: type, code: code, to: &w)
                w.append("\n\n")
                return w.result
            }
        }
    }

    public static func writeStreamErrorEvent(
        message: StaticString, type: StaticString, code: StaticString,
        into out: UnsafeMutableRawBufferPointer
    ) -> Int? {
        withRawBytes(message) { writeStreamErrorEvent(message: $0, type: type, code: code, into: out) }
    }

    static func bodyCount(message: UnsafeRawBufferPointer, type: UnsafeRawBufferPointer, code: UnsafeRawBufferPointer) -> Int {
        // {"error":{"message":" + "," + type":" + "," + code":" + "}}
        let punctuation = 21 + 10 + 10 + 3
        return punctuation
            + JSONStringEscaper.escapedCount(message)
            + JSONStringEscaper.escapedCount(type)
            + JSONStringEscaper.escapedCount(code)
    }

    static func appendBody(
        message: UnsafeRawBufferPointer, type: UnsafeRawBufferPointer, code: UnsafeRawBufferPointer, to w: inout ByteWriter
    ) {
        w.append("{\"error\":{\"message\":\"")
        JSONStringEscaper.append(message, to: &w)
        w.append("\",\"type\":\"")
        JSONStringEscaper.append(type, to: &w)
        w.append("\",\"code\":\"")
        JSONStringEscaper.append(code, to: &w)
        w.append("\"}}")
    }

    static func withRawBytes<R>(_ s: StaticString, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        s.withUTF8Buffer { body(UnsafeRawBufferPointer($0)) }
    }
}
