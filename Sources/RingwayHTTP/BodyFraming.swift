/// How the message body is delimited (RFC 9112 §6.3).
public enum BodyFraming: Equatable, Sendable {
    /// No body: a request with neither Content-Length nor Transfer-Encoding, or a
    /// response to HEAD, or a 1xx/204/304 response.
    case none
    /// Exactly this many bytes follow the head.
    case contentLength(Int64)
    /// Chunked transfer coding; track the end with `ChunkedFraming`.
    case chunked
    /// Responses only: the body ends when the upstream closes (RFC 9112 §6.3 item 8).
    case untilClose
}

/// Outcome of one head-parse attempt.
public enum HeadParseResult: Equatable, Sendable {
    /// The head is not complete yet and nothing seen so far is invalid: call
    /// again from offset 0 once more bytes have arrived.
    case incomplete
    /// The head spans the first `headLength` bytes (final CRLF included); the
    /// body, if any, starts right after.
    case complete(headLength: Int)
    case failure(HTTPParseError)
}
