import RingwayHTTP

/// Response head: parse, write the head Ringway sends its client, parse that
/// again. The client must see the upstream's status and body framing and the
/// upstream's end-to-end fields unchanged, with persistence decided by the
/// proxy alone.
enum ResponseRoundTrip {
    static let extraLines: StaticString = "X-Ringway-Upstream: fuzz-1\r\n"

    static func check(_ input: UnsafeRawBufferPointer, seed: Int, limits: HTTPLimits) {
        for requestWasHEAD in [false, true] {
            var head = ResponseHead()
            let result = ResponseHeadParser.parse(input, requestWasHEAD: requestWasHEAD, limits: limits, into: &head)
            switch result {
            case .incomplete:
                precondition(input.count < limits.maxHeaderBytes, "response: incomplete at or past the head limit")
            case .failure(let error):
                ErrorBodyCheck.checkRejection(error)
            case .complete(let headLength):
                precondition(headLength > 0 && headLength <= min(input.count, limits.maxHeaderBytes))
                precondition(head.status >= 100 && head.status <= 599, "response: status \(head.status) accepted")
                if requestWasHEAD || head.status < 200 || head.status == 204 || head.status == 304 {
                    precondition(head.framing == .none, "response: a body on a response that cannot have one")
                }
                checkRestart(input, headLength: headLength, seed: seed, requestWasHEAD: requestWasHEAD,
                             limits: limits, parsed: head)
                for closeAfter in [false, true] {
                    checkWrite(head, source: input, headLength: headLength, seed: seed, limits: limits,
                               requestWasHEAD: requestWasHEAD, closeAfter: closeAfter, addsLines: closeAfter)
                }
                if head.framing == .chunked {
                    withExactCopy(of: input, range: headLength..<input.count) { body in
                        let split = HTTPFuzzTarget.splitPoint(seed: seed, count: body.count)
                        ChunkedSplitCheck.check(body, split: split, limits: limits)
                    }
                }
            }
        }
    }

    static func checkRestart(
        _ input: UnsafeRawBufferPointer, headLength: Int, seed: Int, requestWasHEAD: Bool, limits: HTTPLimits,
        parsed: ResponseHead
    ) {
        var again = ResponseHead()
        withExactCopy(of: input, range: 0..<headLength) { alone in
            let result = ResponseHeadParser.parse(alone, requestWasHEAD: requestWasHEAD, limits: limits, into: &again)
            precondition(result == .complete(headLength: headLength), "response: the head alone parsed as \(result)")
            precondition(again.framing == parsed.framing && again.headers == parsed.headers,
                         "response: the head alone parsed differently")
        }
        for cut in [seed % headLength, headLength / 2, headLength - 1, headLength - 2] where cut >= 0 {
            withExactCopy(of: input, range: 0..<cut) { prefix in
                let partial = ResponseHeadParser.parse(prefix, requestWasHEAD: requestWasHEAD, limits: limits, into: &again)
                precondition(partial == .incomplete, "response: \(cut)-byte prefix of a valid \(headLength)-byte head gave \(partial)")
            }
        }
    }

    static func checkWrite(
        _ head: ResponseHead, source: UnsafeRawBufferPointer, headLength: Int, seed: Int, limits: HTTPLimits,
        requestWasHEAD: Bool, closeAfter: Bool, addsLines: Bool
    ) {
        withBytes(extraLines) { lines in
            let extra = addsLines ? lines : UnsafeRawBufferPointer(start: nil, count: 0)
            // Field lines grow by at most 2 bytes each; a missing reason
            // becomes a standard phrase (at most 31 bytes); then ours.
            let capacity = 2 * headLength + 256
            withOutputBuffer(capacity: capacity) { out in
                guard let length = ResponseHeadWriter.write(
                    head, source: source, closeAfter: closeAfter, extraHeaderLines: extra, into: out
                ) else {
                    preconditionFailure("response: writer ran out of \(capacity) bytes for a \(headLength)-byte head")
                }
                WriterFit.check(length: length, expected: written(out, length), seed: seed) { room in
                    ResponseHeadWriter.write(head, source: source, closeAfter: closeAfter, extraHeaderLines: extra, into: room)
                }
                withExactCopy(of: written(out, length)) { client in
                    checkClientHead(client, from: head, source: source, limits: limits, requestWasHEAD: requestWasHEAD,
                                    closeAfter: closeAfter, addsLines: addsLines)
                }
            }
        }
    }

    static func checkClientHead(
        _ client: UnsafeRawBufferPointer, from head: ResponseHead, source: UnsafeRawBufferPointer, limits: HTTPLimits,
        requestWasHEAD: Bool, closeAfter: Bool, addsLines: Bool
    ) {
        var relaxed = limits
        relaxed.maxHeaderBytes = max(limits.maxHeaderBytes, client.count)
        relaxed.maxHeaderCount = limits.maxHeaderCount + 2
        var reparsed = ResponseHead()
        let result = ResponseHeadParser.parse(client, requestWasHEAD: requestWasHEAD, limits: relaxed, into: &reparsed)
        precondition(result == .complete(headLength: client.count), "response: client head re-parsed as \(result)")

        precondition(reparsed.status == head.status, "response: status \(head.status) became \(reparsed.status)")
        precondition(reparsed.isHTTP11, "response: client head is not HTTP/1.1")
        precondition(reparsed.framing == head.framing, "response: framing \(head.framing) became \(reparsed.framing)")
        if head.reason.isEmpty {
            precondition(sameBytes(reparsed.reason.bytes(in: client), HTTPStatusReason.phrase(head.status)),
                         "response: missing reason not replaced by the standard phrase")
        } else {
            precondition(sameBytes(reparsed.reason.bytes(in: client), head.reason.bytes(in: source)), "response: reason changed")
        }
        let persistent = !closeAfter && head.framing != .untilClose
        precondition(reparsed.keepAlive == persistent, "response: client keep-alive is \(reparsed.keepAlive), expected \(persistent)")
        precondition(reparsed.connectionOptions.isEmpty, "response: Connection options reached the client")

        // Content-Type listed in Connection is dropped, so the client cannot
        // see an event stream even though the upstream declared one.
        let contentTypeKept = head.headers.contains { $0.kind == .contentType }
        precondition(reparsed.isEventStream == (head.isEventStream && contentTypeKept), "response: event-stream flag changed")

        let forbidsFraming = head.status < 200 || head.status == 204
        let fields = reparsed.headers
        var k = 0
        for field in head.headers {
            if field.kind.isHopByHop { continue }
            if forbidsFraming && (field.kind == .contentLength || field.kind == .transferEncoding) { continue }
            precondition(k < fields.count, "response: a kept field is missing")
            precondition(fields[k].kind == field.kind
                && sameBytes(fields[k].name.bytes(in: client), field.name.bytes(in: source))
                && sameBytes(fields[k].value.bytes(in: client), field.value.bytes(in: source)),
                "response: kept field \(k) changed on its way to the client")
            k += 1
        }
        if closeAfter {
            precondition(k < fields.count && fields[k].kind == .connection, "response: Connection: close missing")
            k += 1
        }
        if addsLines {
            precondition(k < fields.count && sameBytes(fields[k].name.bytes(in: client), "X-Ringway-Upstream"),
                         "response: extra header line missing")
            k += 1
        }
        precondition(k == fields.count, "response: client head has \(fields.count) fields, expected \(k)")
    }
}
