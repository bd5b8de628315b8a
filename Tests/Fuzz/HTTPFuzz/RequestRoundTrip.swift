import RingwayHTTP

/// Request head: parse, then write the head Ringway would send upstream and
/// parse that again. Whatever the client sent, the upstream must read the
/// same method, target and body framing, and see exactly the fields the
/// writer promises: the client's kept fields in order, then ours. A
/// difference here is a request the proxy and its upstream disagree about.
enum RequestRoundTrip {
    static let clientAddress: StaticString = "192.0.2.7"
    static let hostOverride: StaticString = "upstream.internal:8000"
    static let generatedID: StaticString = "rw-fuzz-0001"

    static func check(_ input: UnsafeRawBufferPointer, seed: Int, limits: HTTPLimits) {
        var head = RequestHead()
        let result = RequestHeadParser.parse(input, limits: limits, into: &head)
        switch result {
        case .incomplete:
            precondition(input.count < limits.maxHeaderBytes, "request: incomplete at or past the head limit")
        case .failure(let error):
            ErrorBodyCheck.checkRejection(error)
        case .complete(let headLength):
            precondition(headLength > 0 && headLength <= min(input.count, limits.maxHeaderBytes))
            checkRestart(input, headLength: headLength, seed: seed, limits: limits, parsed: head)
            // HTTP/1.0 goes upstream as HTTP/1.0, so a request without Host
            // is forwardable with or without an override.
            for replacesHost in [false, true] {
                checkWrite(head, source: input, headLength: headLength, seed: seed, limits: limits,
                           replacesHost: replacesHost, addsRequestID: replacesHost)
            }
            if head.framing == .chunked {
                withExactCopy(of: input, range: headLength..<input.count) { body in
                    let split = HTTPFuzzTarget.splitPoint(seed: seed, count: body.count)
                    ChunkedSplitCheck.check(body, split: split, limits: limits)
                }
            }
        }
    }

    /// The parser is restartable: the head alone parses the same, and a
    /// prefix of a valid head is incomplete, never a failure (a head split
    /// across two receives must not be rejected).
    static func checkRestart(
        _ input: UnsafeRawBufferPointer, headLength: Int, seed: Int, limits: HTTPLimits, parsed: RequestHead
    ) {
        var again = RequestHead()
        withExactCopy(of: input, range: 0..<headLength) { alone in
            let result = RequestHeadParser.parse(alone, limits: limits, into: &again)
            precondition(result == .complete(headLength: headLength), "request: the head alone parsed as \(result)")
            precondition(again.framing == parsed.framing && again.headers == parsed.headers,
                         "request: the head alone parsed differently")
        }
        for cut in [seed % headLength, headLength / 2, headLength - 1, headLength - 2] where cut >= 0 {
            withExactCopy(of: input, range: 0..<cut) { prefix in
                let partial = RequestHeadParser.parse(prefix, limits: limits, into: &again)
                precondition(partial == .incomplete, "request: \(cut)-byte prefix of a valid \(headLength)-byte head gave \(partial)")
            }
        }
    }

    static func checkWrite(
        _ head: RequestHead, source: UnsafeRawBufferPointer, headLength: Int, seed: Int, limits: HTTPLimits,
        replacesHost: Bool, addsRequestID: Bool
    ) {
        withBytes(clientAddress) { address in
        withBytes(hostOverride) { host in
        withBytes(generatedID) { id in
            let none = UnsafeRawBufferPointer(start: nil, count: 0)
            let context = ForwardingContext(
                clientAddress: address, proto: .https,
                requestID: addsRequestID ? id : none, hostOverride: replacesHost ? host : none)

            // Each field line grows by at most 2 bytes (": " for ":"), each
            // X-Forwarded-For value by ", ", and what we add is bounded.
            let capacity = 2 * headLength + 256
            withOutputBuffer(capacity: capacity) { out in
                guard let length = RequestHeadWriter.write(head, source: source, context: context, into: out) else {
                    preconditionFailure("request: writer ran out of \(capacity) bytes for a \(headLength)-byte head")
                }
                WriterFit.check(length: length, expected: written(out, length), seed: seed) { room in
                    RequestHeadWriter.write(head, source: source, context: context, into: room)
                }
                withExactCopy(of: written(out, length)) { upstream in
                    checkUpstreamHead(upstream, from: head, source: source, limits: limits, replacesHost: replacesHost,
                                      addsRequestID: addsRequestID, address: address, host: host, id: id)
                }
            }
        }}}
    }

    static func checkUpstreamHead(
        _ upstream: UnsafeRawBufferPointer, from head: RequestHead, source: UnsafeRawBufferPointer, limits: HTTPLimits,
        replacesHost: Bool, addsRequestID: Bool,
        address: UnsafeRawBufferPointer, host: UnsafeRawBufferPointer, id: UnsafeRawBufferPointer
    ) {
        // The written head may exceed the client's limits by what we added.
        var relaxed = limits
        relaxed.maxHeaderBytes = max(limits.maxHeaderBytes, upstream.count)
        relaxed.maxHeaderCount = limits.maxHeaderCount + 4
        var reparsed = RequestHead()
        let result = RequestHeadParser.parse(upstream, limits: relaxed, into: &reparsed)
        precondition(result == .complete(headLength: upstream.count), "request: upstream head re-parsed as \(result)")

        precondition(sameBytes(reparsed.method.bytes(in: upstream), head.method.bytes(in: source)), "request: method changed")
        precondition(sameBytes(reparsed.target.bytes(in: upstream), head.target.bytes(in: source)), "request: target changed")
        precondition(reparsed.framing == head.framing, "request: framing \(head.framing) became \(reparsed.framing)")
        // The upstream gets the client's version (RequestHeadWriter: an
        // HTTP/1.0 client cannot read the chunked answer a 1.1 request invites).
        precondition(reparsed.isHTTP11 == head.isHTTP11, "request: HTTP version changed on its way upstream")
        precondition(reparsed.isHEAD == head.isHEAD && reparsed.isCONNECT == head.isCONNECT, "request: method class changed")
        // Connection is never forwarded, so persistence is the version's default.
        precondition(reparsed.keepAlive == head.isHTTP11 && !reparsed.expectsContinue && !reparsed.hasUpgrade
            && reparsed.connectionOptions.isEmpty, "request: a hop-by-hop field reached the upstream")

        let expectedHost: UnsafeRawBufferPointer? = replacesHost ? host : head.host.map { $0.bytes(in: source) }
        precondition(same(reparsed.host, in: upstream, expectedHost), "request: Host changed")
        let expectedID: UnsafeRawBufferPointer? = head.requestID.map { $0.bytes(in: source) } ?? (addsRequestID ? id : nil)
        precondition(same(reparsed.requestID, in: upstream, expectedID), "request: X-Request-ID changed")

        checkFields(head, source: source, reparsed: reparsed, upstream: upstream, replacesHost: replacesHost,
                    addsRequestID: addsRequestID && head.requestID == nil, clientAddress: address)
    }

    static func same(_ range: ByteRange?, in buffer: UnsafeRawBufferPointer, _ expected: UnsafeRawBufferPointer?) -> Bool {
        switch (range, expected) {
        case (nil, nil): return true
        case (let range?, let expected?): return sameBytes(range.bytes(in: buffer), expected)
        default: return false
        }
    }

    /// The upstream head's fields: [Host override], the client's kept fields
    /// in order and unchanged, X-Forwarded-For (the client's list joined,
    /// then the client address), X-Forwarded-Proto, [X-Request-ID].
    static func checkFields(
        _ head: RequestHead, source: UnsafeRawBufferPointer, reparsed: RequestHead, upstream: UnsafeRawBufferPointer,
        replacesHost: Bool, addsRequestID: Bool, clientAddress: UnsafeRawBufferPointer
    ) {
        let fields = reparsed.headers
        var k = 0
        if replacesHost {
            precondition(fields.first?.kind == .host, "request: Host override is not the first field")
            k += 1
        }
        var forwardedFor: [UInt8] = []
        for field in head.headers {
            switch field.kind {
            case .xForwardedFor:
                if !field.value.isEmpty {
                    forwardedFor += field.value.bytes(in: source)
                    forwardedFor += [UInt8(ascii: ","), UInt8(ascii: " ")]
                }
                continue
            case .connection, .keepAlive, .proxyConnection, .te, .upgrade, .listedInConnection, .expect, .xForwardedProto:
                continue
            case .host where replacesHost:
                continue
            default:
                break
            }
            precondition(k < fields.count, "request: a kept field is missing upstream")
            precondition(fields[k].kind == field.kind
                && sameBytes(fields[k].name.bytes(in: upstream), field.name.bytes(in: source))
                && sameBytes(fields[k].value.bytes(in: upstream), field.value.bytes(in: source)),
                "request: kept field \(k) changed on its way upstream")
            k += 1
        }
        forwardedFor += clientAddress

        let added = addsRequestID ? 3 : 2
        precondition(fields.count == k + added, "request: upstream head has \(fields.count) fields, expected \(k + added)")
        precondition(fields[k].kind == .xForwardedFor && reparsed.forwardedForCount == 1, "request: X-Forwarded-For misplaced")
        forwardedFor.withUnsafeBytes { expected in
            precondition(sameBytes(fields[k].value.bytes(in: upstream), expected), "request: X-Forwarded-For list is wrong")
        }
        precondition(fields[k + 1].kind == .xForwardedProto && sameBytes(fields[k + 1].value.bytes(in: upstream), "https"),
                     "request: X-Forwarded-Proto is wrong")
        if addsRequestID { precondition(fields[k + 2].kind == .xRequestID, "request: generated X-Request-ID missing") }
    }
}
