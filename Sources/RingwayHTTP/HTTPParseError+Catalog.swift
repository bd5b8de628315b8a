// Every error the parsers and the chunked tracker return. Computed properties,
// not stored statics: an inlined parser referring to them needs no lazy global
// initialisation (swift_once) on its failure paths.

extension HTTPParseError {
    @inlinable static func bad(_ message: StaticString, _ code: StaticString) -> HTTPParseError {
        HTTPParseError(status: 400, message: message, code: code)
    }

    // MARK: Line structure (RFC 9112 §2.2)

    @inlinable public static var bareLF: HTTPParseError {
        .bad("bare LF without a preceding CR in the message head", "bare_lf")
    }
    @inlinable public static var bareCR: HTTPParseError {
        .bad("CR not followed by LF in the message head", "bare_cr")
    }
    @inlinable public static var tooManyEmptyLines: HTTPParseError {
        .bad("more than 4 empty lines before the request line", "invalid_request_line")
    }
    @inlinable public static var headerTooLarge: HTTPParseError {
        HTTPParseError(status: 431, message: "message head is larger than the configured limit", code: "header_too_large")
    }
    @inlinable public static var tooManyHeaders: HTTPParseError {
        HTTPParseError(status: 431, message: "more header fields than the configured limit", code: "too_many_headers")
    }

    // MARK: Request line (RFC 9112 §3)

    @inlinable public static var invalidMethod: HTTPParseError {
        .bad("request line does not start with a method token followed by a single SP", "invalid_method")
    }
    @inlinable public static var invalidTargetByte: HTTPParseError {
        .bad("request-target contains a control character, a second SP or a non-ASCII byte", "invalid_target")
    }
    @inlinable public static var emptyTarget: HTTPParseError {
        .bad("request-target is empty (two SPs after the method)", "invalid_target")
    }
    @inlinable public static var invalidTargetForm: HTTPParseError {
        .bad("request-target is not in origin, absolute, authority (CONNECT) or asterisk (OPTIONS) form", "invalid_target")
    }
    @inlinable public static var uriTooLong: HTTPParseError {
        HTTPParseError(status: 414, message: "request-target is longer than the configured limit", code: "uri_too_long")
    }
    @inlinable public static var missingVersion: HTTPParseError {
        .bad("request line ends after the request-target without an HTTP version", "invalid_request_line")
    }
    @inlinable public static var invalidVersion: HTTPParseError {
        .bad("HTTP version is not of the form HTTP/DIGIT.DIGIT followed by CRLF", "invalid_version")
    }
    @inlinable public static var unsupportedVersion: HTTPParseError {
        HTTPParseError(status: 505, message: "only HTTP/1.1 and HTTP/1.0 are supported", code: "unsupported_version")
    }

    // MARK: Status line (RFC 9112 §4)

    @inlinable public static var invalidStatusCode: HTTPParseError {
        .bad("status code is not three digits between 100 and 599", "invalid_status_line")
    }
    @inlinable public static var missingReasonSeparator: HTTPParseError {
        .bad("status code is not followed by SP (the reason phrase may be empty, the SP may not be missing)", "invalid_status_line")
    }
    @inlinable public static var invalidReasonByte: HTTPParseError {
        .bad("reason phrase contains a control character", "invalid_status_line")
    }

    // MARK: Field lines (RFC 9112 §5, RFC 9110 §5)

    @inlinable public static var obsFold: HTTPParseError {
        .bad("field line starts with whitespace (obs-fold line folding is rejected)", "obs_fold")
    }
    @inlinable public static var whitespaceBeforeColon: HTTPParseError {
        .bad("whitespace between a field name and its colon", "space_before_colon")
    }
    @inlinable public static var emptyFieldName: HTTPParseError {
        .bad("field line has an empty name", "invalid_header")
    }
    @inlinable public static var invalidFieldNameByte: HTTPParseError {
        .bad("field name contains a byte that is not a token character", "invalid_header")
    }
    @inlinable public static var missingColon: HTTPParseError {
        .bad("field line has no colon after the name", "invalid_header")
    }
    @inlinable public static var nulInFieldValue: HTTPParseError {
        .bad("field value contains a NUL byte", "invalid_header_value")
    }
    @inlinable public static var controlInFieldValue: HTTPParseError {
        .bad("field value contains a control character or DEL", "invalid_header_value")
    }

    // MARK: Framing fields (RFC 9112 §6)

    @inlinable public static var invalidContentLength: HTTPParseError {
        .bad("Content-Length is not a plain decimal number (no sign, spaces, list or hex)", "invalid_content_length")
    }
    @inlinable public static var contentLengthOverflow: HTTPParseError {
        .bad("Content-Length has more than 18 digits", "invalid_content_length")
    }
    @inlinable public static var duplicateContentLength: HTTPParseError {
        .bad("more than one Content-Length field", "duplicate_content_length")
    }
    @inlinable public static var bodyTooLarge: HTTPParseError {
        HTTPParseError(status: 413, message: "Content-Length exceeds the body size limit", code: "body_too_large")
    }
    @inlinable public static var ambiguousFraming: HTTPParseError {
        .bad("Content-Length and Transfer-Encoding both present", "ambiguous_framing")
    }
    @inlinable public static var emptyTransferEncoding: HTTPParseError {
        .bad("Transfer-Encoding is empty or has an empty list element", "invalid_transfer_encoding")
    }
    @inlinable public static var invalidTransferCoding: HTTPParseError {
        .bad("Transfer-Encoding element is not a bare token (parameters are not accepted)", "invalid_transfer_encoding")
    }
    @inlinable public static var chunkedNotFinal: HTTPParseError {
        .bad("chunked is not the final transfer coding", "invalid_transfer_encoding")
    }
    @inlinable public static var chunkedRepeated: HTTPParseError {
        .bad("chunked transfer coding applied more than once", "invalid_transfer_encoding")
    }
    @inlinable public static var transferEncodingInHTTP10: HTTPParseError {
        .bad("Transfer-Encoding in an HTTP/1.0 request", "invalid_transfer_encoding")
    }
    @inlinable public static var unsupportedTransferCoding: HTTPParseError {
        HTTPParseError(status: 501, message: "transfer coding other than chunked is not supported", code: "unsupported_transfer_coding")
    }

    // MARK: Request semantics (RFC 9110 §7.2, §7.6.1, §10.1.1)

    @inlinable public static var missingHost: HTTPParseError {
        .bad("HTTP/1.1 request without a Host field", "missing_host")
    }
    @inlinable public static var duplicateHost: HTTPParseError {
        .bad("more than one Host field", "duplicate_host")
    }
    @inlinable public static var invalidHost: HTTPParseError {
        .bad("Host value contains whitespace, a non-ASCII byte or one of / ? # @ \\", "invalid_host")
    }
    @inlinable public static var invalidConnectionOption: HTTPParseError {
        .bad("Connection element is not a token", "invalid_connection")
    }
    @inlinable public static var connectionListsFramingField: HTTPParseError {
        .bad("Connection lists Content-Length, Transfer-Encoding or Host as hop-by-hop", "invalid_connection")
    }
    @inlinable public static var tooManyConnectionOptions: HTTPParseError {
        .bad("Connection lists more field names than the configured limit", "invalid_connection")
    }
    @inlinable public static var unsupportedExpectation: HTTPParseError {
        HTTPParseError(status: 417, message: "Expect value other than 100-continue", code: "expectation_failed")
    }

    // MARK: Chunked coding (RFC 9112 §7.1)

    @inlinable public static var invalidChunkSize: HTTPParseError {
        .bad("chunk size is missing or not hexadecimal", "invalid_chunk_size")
    }
    @inlinable public static var chunkSizeOverflow: HTTPParseError {
        .bad("chunk size has more than 15 hex digits", "chunk_size_overflow")
    }
    @inlinable public static var whitespaceAfterChunkSize: HTTPParseError {
        .bad("whitespace after a chunk size is not followed by a chunk extension", "invalid_chunk_size")
    }
    @inlinable public static var invalidChunkExtension: HTTPParseError {
        .bad("chunk extension contains a control character", "invalid_chunk_extension")
    }
    @inlinable public static var chunkExtensionTooLong: HTTPParseError {
        .bad("chunk extensions longer than the configured limit", "chunk_extension_too_long")
    }
    @inlinable public static var missingChunkDataCRLF: HTTPParseError {
        .bad("chunk data is not followed by CRLF", "invalid_chunk_data")
    }
    @inlinable public static var chunkedBodyTooLarge: HTTPParseError {
        HTTPParseError(status: 413, message: "chunked body exceeds the body size limit", code: "body_too_large")
    }
    @inlinable public static var trailersTooLarge: HTTPParseError {
        HTTPParseError(status: 431, message: "trailer section is larger than the configured limit", code: "trailers_too_large")
    }
}
