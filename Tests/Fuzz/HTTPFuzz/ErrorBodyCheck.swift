import RingwayHTTP

/// OpenAI-style error bodies: whatever bytes the message holds (the input
/// stands in for text an upstream sent), the response must parse as an HTTP
/// response whose Content-Length is exactly its JSON body, and the JSON must
/// be valid and decode back to the message.
enum ErrorBodyCheck {
    /// The statuses `HTTPParseError` documents; each one has a body.
    static func checkRejection(_ error: HTTPParseError) {
        precondition([400, 413, 414, 417, 431, 501, 505].contains(error.status), "error: undocumented status \(error.status)")
        let type = OpenAIErrorBody.errorType(forStatus: error.status)
        withOutputBuffer(capacity: 1024) { out in
            guard let length = OpenAIErrorBody.writeResponse(for: error, close: true, into: out) else {
                preconditionFailure("error: the response for \(error) does not fit in 1 KiB")
            }
            withBytes(error.message) { message in
                checkResponse(written(out, length), status: error.status, close: true, message: message, type: type, code: error.code)
            }
        }
    }

    static func check(message: UnsafeRawBufferPointer, seed: Int) {
        let status = 400 + seed % 200
        let type = OpenAIErrorBody.errorType(forStatus: status)
        let close = seed & 1 == 0
        // Escaping at most sextuples a byte (\u00XX).
        let capacity = 6 * message.count + 256
        withOutputBuffer(capacity: capacity) { out in
            for outOfRange in [99, 1000] {
                let result = OpenAIErrorBody.writeResponse(status: outOfRange, message: message, type: type, code: "fuzz",
                                                           close: close, into: out)
                precondition(result == nil, "error: wrote a response with status \(outOfRange)")
            }

            guard let length = OpenAIErrorBody.writeResponse(status: status, message: message, type: type, code: "fuzz",
                                                             close: close, into: out) else {
                preconditionFailure("error: a \(message.count)-byte message does not fit in \(capacity) bytes")
            }
            WriterFit.check(length: length, expected: written(out, length), seed: seed) { room in
                OpenAIErrorBody.writeResponse(status: status, message: message, type: type, code: "fuzz", close: close, into: room)
            }
            checkResponse(written(out, length), status: status, close: close, message: message, type: type, code: "fuzz")

            guard let eventLength = OpenAIErrorBody.writeStreamErrorEvent(message: message, type: "upstream_error",
                                                                          code: "fuzz", into: out) else {
                preconditionFailure("error: a \(message.count)-byte stream error event does not fit in \(capacity) bytes")
            }
            WriterFit.check(length: eventLength, expected: written(out, eventLength), seed: seed) { room in
                OpenAIErrorBody.writeStreamErrorEvent(message: message, type: "upstream_error", code: "fuzz", into: room)
            }
            checkStreamEvent(written(out, eventLength), message: message, type: "upstream_error", code: "fuzz")
        }
    }

    static func checkResponse(
        _ response: UnsafeRawBufferPointer, status: Int, close: Bool,
        message: UnsafeRawBufferPointer, type: StaticString, code: StaticString
    ) {
        var limits = HTTPLimits()
        limits.maxHeaderBytes = response.count
        var head = ResponseHead()
        let result = withExactCopy(of: response) {
            ResponseHeadParser.parse($0, requestWasHEAD: false, limits: limits, into: &head)
        }
        guard case .complete(let headLength) = result else {
            preconditionFailure("error: response head parsed as \(result)")
        }
        precondition(head.status == status && head.isHTTP11 && head.keepAlive == !close, "error: status line or Connection wrong")
        precondition(head.framing == .contentLength(Int64(response.count - headLength)),
                     "error: Content-Length \(head.framing) but the body has \(response.count - headLength) bytes")
        let body = UnsafeRawBufferPointer(rebasing: response[headLength...])
        checkJSON(body, message: message, type: type, code: code)
    }

    static func checkStreamEvent(
        _ event: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer, type: StaticString, code: StaticString
    ) {
        let prefix = 6  // "data: "
        precondition(event.count > prefix + 2
            && sameBytes(UnsafeRawBufferPointer(rebasing: event[0..<prefix]), "data: ")
            && sameBytes(UnsafeRawBufferPointer(rebasing: event[(event.count - 2)...]), "\n\n"),
            "error: stream event is not one `data:` line and a blank line")
        checkJSON(UnsafeRawBufferPointer(rebasing: event[prefix..<(event.count - 2)]), message: message, type: type, code: code)
    }

    static func checkJSON(_ body: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer, type: StaticString, code: StaticString) {
        guard let decoded = ErrorJSONReader.decode(body) else {
            preconditionFailure("error: body is not {\"error\":{\"message\",\"type\",\"code\"}} JSON")
        }
        precondition(String(validating: decoded.message, as: UTF8.self) != nil, "error: decoded message is not UTF-8")
        if String(validating: message, as: UTF8.self) != nil {
            precondition(decoded.message.elementsEqual(message), "error: valid UTF-8 message did not round-trip")
        }
        precondition(withBytes(type) { decoded.type.elementsEqual($0) }, "error: type did not round-trip")
        precondition(withBytes(code) { decoded.code.elementsEqual($0) }, "error: code did not round-trip")
    }
}
