import Testing
@testable import RingwayHTTP

/// Each case: a request that must fail with exactly this error (status, code
/// and message), whether the rest of the head has arrived or not.
@Suite("Request head parser: rejections")
struct RequestRejectionTests {
    static let h = "GET / HTTP/1.1\r\nHost: a\r\n"  // a valid start to append fields to

    static let lineStructureCases: [RejectCase] = [
        .init(name: "bare LF ends the request line", raw: "GET / HTTP/1.1\nHost: a\r\n\r\n", error: .bareLF),
        .init(name: "bare LF ends a field line", raw: h + "X-A: b\n\r\n", error: .bareLF),
        .init(name: "bare LF ends the head", raw: h + "\n", error: .bareLF),
        .init(name: "bare LF before the request line", raw: "\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", error: .bareLF),
        .init(name: "bare CR inside a value", raw: h + "X-A: b\rc\r\n\r\n", error: .bareCR),
        .init(name: "bare CR after the version", raw: "GET / HTTP/1.1\rHost: a\r\n\r\n", error: .bareCR),
        .init(name: "bare CR as the head end", raw: h + "\rX", error: .bareCR),
        .init(name: "five leading empty lines", raw: "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
              error: .tooManyEmptyLines),
    ]

    static let requestLineCases: [RejectCase] = [
        .init(name: "two SPs after the method", raw: "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", error: .emptyTarget),
        .init(name: "two SPs before the version", raw: "GET /  HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidVersion),
        .init(name: "HTAB after the method", raw: "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidMethod),
        .init(name: "method with a separator", raw: "GE(T / HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidMethod),
        .init(name: "leading SP", raw: " GET / HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidMethod),
        .init(name: "CTL in target", raw: "GET /a\u{01}b HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidTargetByte),
        .init(name: "DEL in target", raw: "GET /a\u{7F}b HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidTargetByte),
        .init(name: "non-ASCII in target", raw: "GET /é HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidTargetByte),
        .init(name: "HTAB in target", raw: "GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidTargetByte),
        .init(name: "relative target", raw: "GET a/b HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidTargetForm),
        .init(name: "asterisk with GET", raw: "GET * HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidTargetForm),
        .init(name: "CONNECT with origin-form", raw: "CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n", error: .invalidTargetForm),
        .init(name: "HTTP/0.9 style line", raw: "GET /\r\n\r\n", error: .missingVersion),
        .init(name: "SP after the version", raw: "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", error: .invalidVersion),
        .init(name: "lowercase HTTP name", raw: "GET / http/1.1\r\nHost: a\r\n\r\n", error: .invalidVersion),
        .init(name: "three-digit version", raw: "GET / HTTP/1.10\r\nHost: a\r\n\r\n", error: .invalidVersion),
        .init(name: "version without dot", raw: "GET / HTTP/11\r\nHost: a\r\n\r\n", error: .invalidVersion),
        .init(name: "HTTP/2.0", raw: "GET / HTTP/2.0\r\nHost: a\r\n\r\n", error: .unsupportedVersion),
        .init(name: "HTTP/1.2", raw: "GET / HTTP/1.2\r\nHost: a\r\n\r\n", error: .unsupportedVersion),
        .init(name: "HTTP/0.9", raw: "GET / HTTP/0.9\r\nHost: a\r\n\r\n", error: .unsupportedVersion),
        .init(name: "target over the URL limit", raw: "GET /" + String(repeating: "a", count: 100) + " HTTP/1.1\r\n\r\n",
              error: .uriTooLong, limits: .with { $0.maxURLBytes = 100 }),
    ]

    static let fieldLinesCases: [RejectCase] = [
        .init(name: "obs-fold continuation line", raw: h + "X-A: b\r\n c\r\n\r\n", error: .obsFold),
        .init(name: "obs-fold with HTAB", raw: h + "X-A: b\r\n\tc\r\n\r\n", error: .obsFold),
        .init(name: "whitespace before the first field", raw: "GET / HTTP/1.1\r\n Host: a\r\n\r\n", error: .obsFold),
        .init(name: "SP before colon", raw: "GET / HTTP/1.1\r\nHost : a\r\n\r\n", error: .whitespaceBeforeColon),
        .init(name: "HTAB before colon", raw: h + "Transfer-Encoding\t: chunked\r\n\r\n", error: .whitespaceBeforeColon),
        .init(name: "empty field name", raw: h + ": b\r\n\r\n", error: .emptyFieldName),
        .init(name: "separator in field name", raw: h + "X(A): b\r\n\r\n", error: .invalidFieldNameByte),
        .init(name: "CTL in field name", raw: h + "X-\u{01}A: b\r\n\r\n", error: .invalidFieldNameByte),
        .init(name: "field line without colon", raw: h + "X-A\r\n\r\n", error: .missingColon),
        .init(name: "NUL in value", raw: h + "X-A: b\u{00}c\r\n\r\n", error: .nulInFieldValue),
        .init(name: "SOH in value", raw: h + "X-A: b\u{01}\r\n\r\n", error: .controlInFieldValue),
        .init(name: "VT in value", raw: h + "X-A: \u{0B}b\r\n\r\n", error: .controlInFieldValue),
        .init(name: "ESC in value", raw: h + "X-A: b\u{1B}[0m\r\n\r\n", error: .controlInFieldValue),
        .init(name: "DEL in value", raw: h + "X-A: b\u{7F}\r\n\r\n", error: .controlInFieldValue),
    ]

    static let semanticsCases: [RejectCase] = [
        .init(name: "HTTP/1.1 without Host", raw: "GET / HTTP/1.1\r\nX-A: b\r\n\r\n", error: .missingHost),
        .init(name: "two Host fields", raw: h + "Host: a\r\n\r\n", error: .duplicateHost),
        .init(name: "two different Host fields", raw: h + "host: b\r\n\r\n", error: .duplicateHost),
        .init(name: "two Hosts on HTTP/1.0", raw: "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", error: .duplicateHost),
        .init(name: "Host with SP", raw: "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", error: .invalidHost),
        .init(name: "Host with userinfo", raw: "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", error: .invalidHost),
        .init(name: "Host with path", raw: "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", error: .invalidHost),
        .init(name: "Connection element not a token", raw: h + "Connection: a b\r\n\r\n", error: .invalidConnectionOption),
        .init(name: "Connection lists Content-Length", raw: h + "Connection: close, Content-Length\r\n\r\n",
              error: .connectionListsFramingField),
        .init(name: "Connection lists Transfer-Encoding", raw: h + "Connection: transfer-encoding\r\n\r\n",
              error: .connectionListsFramingField),
        .init(name: "Connection lists Host", raw: h + "Connection: host\r\n\r\n", error: .connectionListsFramingField),
        .init(name: "too many Connection options",
              raw: h + "Connection: a1, a2, a3, a4, a5, a6, a7, a8, a9\r\n\r\n", error: .tooManyConnectionOptions),
        .init(name: "Expect other than 100-continue", raw: h + "Expect: 100-continue-x\r\n\r\n", error: .unsupportedExpectation),
        .init(name: "Expect list", raw: h + "Expect: 100-continue, foo\r\n\r\n", error: .unsupportedExpectation),
        .init(name: "too many fields", raw: h + "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", error: .tooManyHeaders,
              limits: .with { $0.maxHeaderCount = 3 }),
        .init(name: "head over the byte limit", raw: h + "X-A: " + String(repeating: "v", count: 100) + "\r\n\r\n",
              error: .headerTooLarge, limits: .with { $0.maxHeaderBytes = 64 }),
    ]

    static let contentLengthCases: [RejectCase] = [
        .init(name: "letters", raw: h + "Content-Length: abc\r\n\r\n", error: .invalidContentLength),
        .init(name: "negative", raw: h + "Content-Length: -1\r\n\r\n", error: .invalidContentLength),
        .init(name: "plus sign", raw: h + "Content-Length: +1\r\n\r\n", error: .invalidContentLength),
        .init(name: "inner space", raw: h + "Content-Length: 1 2\r\n\r\n", error: .invalidContentLength),
        .init(name: "hex", raw: h + "Content-Length: 0x10\r\n\r\n", error: .invalidContentLength),
        .init(name: "list of equal values", raw: h + "Content-Length: 5, 5\r\n\r\n", error: .invalidContentLength),
        .init(name: "empty", raw: h + "Content-Length: \r\n\r\n", error: .invalidContentLength),
        .init(name: "decimal point", raw: h + "Content-Length: 1.0\r\n\r\n", error: .invalidContentLength),
        .init(name: "19 digits", raw: h + "Content-Length: 1000000000000000000\r\n\r\n", error: .contentLengthOverflow),
        .init(name: "beyond Int64", raw: h + "Content-Length: 99999999999999999999999\r\n\r\n", error: .contentLengthOverflow),
        .init(name: "duplicate equal", raw: h + "Content-Length: 5\r\nContent-Length: 5\r\n\r\n", error: .duplicateContentLength),
        .init(name: "duplicate different", raw: h + "Content-Length: 5\r\ncontent-length: 6\r\n\r\n",
              error: .duplicateContentLength),
        .init(name: "over the body limit", raw: h + "Content-Length: 11\r\n\r\n", error: .bodyTooLarge,
              limits: .with { $0.maxBodyBytes = 10 }),
    ]

    static let transferEncodingCases: [RejectCase] = [
        .init(name: "empty", raw: h + "Transfer-Encoding: \r\n\r\n", error: .emptyTransferEncoding),
        .init(name: "trailing comma", raw: h + "Transfer-Encoding: chunked,\r\n\r\n", error: .emptyTransferEncoding),
        .init(name: "leading comma", raw: h + "Transfer-Encoding: ,chunked\r\n\r\n", error: .emptyTransferEncoding),
        .init(name: "chunked, identity", raw: h + "Transfer-Encoding: chunked, identity\r\n\r\n", error: .chunkedNotFinal),
        .init(name: "xchunked", raw: h + "Transfer-Encoding: xchunked\r\n\r\n", error: .chunkedNotFinal),
        .init(name: "identity only", raw: h + "Transfer-Encoding: identity\r\n\r\n", error: .chunkedNotFinal),
        .init(name: "chunked twice in one line", raw: h + "Transfer-Encoding: chunked, chunked\r\n\r\n", error: .chunkedRepeated),
        .init(name: "chunked on two lines", raw: h + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
              error: .chunkedRepeated),
        .init(name: "chunked then gzip on two lines", raw: h + "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n",
              error: .chunkedNotFinal),
        .init(name: "gzip, chunked", raw: h + "Transfer-Encoding: gzip, chunked\r\n\r\n", error: .unsupportedTransferCoding),
        .init(name: "gzip and chunked on two lines", raw: h + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
              error: .unsupportedTransferCoding),
        .init(name: "parameter", raw: h + "Transfer-Encoding: chunked;q=1\r\n\r\n", error: .invalidTransferCoding),
        .init(name: "quoted", raw: h + "Transfer-Encoding: \"chunked\"\r\n\r\n", error: .invalidTransferCoding),
        .init(name: "VT after chunked", raw: h + "Transfer-Encoding: chunked\u{0B}\r\n\r\n", error: .controlInFieldValue),
        .init(name: "CL then TE", raw: h + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", error: .ambiguousFraming),
        .init(name: "TE then CL", raw: h + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", error: .ambiguousFraming),
        .init(name: "TE on HTTP/1.0", raw: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", error: .transferEncodingInHTTP10),
    ]

    @Test("line structure", arguments: lineStructureCases) func lineStructure(_ c: RejectCase) { check(c) }
    @Test("request line", arguments: requestLineCases) func requestLine(_ c: RejectCase) { check(c) }
    @Test("field lines", arguments: fieldLinesCases) func fieldLines(_ c: RejectCase) { check(c) }
    @Test("request semantics", arguments: semanticsCases) func semantics(_ c: RejectCase) { check(c) }
    @Test("Content-Length", arguments: contentLengthCases) func contentLength(_ c: RejectCase) { check(c) }
    @Test("Transfer-Encoding", arguments: transferEncodingCases) func transferEncoding(_ c: RejectCase) { check(c) }

    @Test("statuses are the ones RFC 9110 prescribes")
    func statuses() {
        #expect(HTTPParseError.uriTooLong.status == 414)
        #expect(HTTPParseError.unsupportedVersion.status == 505)
        #expect(HTTPParseError.unsupportedExpectation.status == 417)
        #expect(HTTPParseError.tooManyHeaders.status == 431)
        #expect(HTTPParseError.headerTooLarge.status == 431)
        #expect(HTTPParseError.bodyTooLarge.status == 413)
        #expect(HTTPParseError.unsupportedTransferCoding.status == 501)
        #expect(HTTPParseError.ambiguousFraming.status == 400)
        #expect("\(HTTPParseError.ambiguousFraming.code)" == "ambiguous_framing")
        #expect("\(HTTPParseError.bareLF.code)" == "bare_lf")
        #expect("\(HTTPParseError.obsFold.code)" == "obs_fold")
        #expect(HTTPParseError.bareLF != HTTPParseError.bareCR)
    }

    @Test("431 as soon as the buffer reaches the head limit without a complete head")
    func headerLimitFailsFast() {
        let limits = HTTPLimits.with { $0.maxHeaderBytes = 40 }
        let raw = bytes(Self.h + "X-Long: " + String(repeating: "v", count: 100))
        for count in 0..<raw.count {
            let p = parseRequest(Array(raw[0..<count]), limits: limits)
            #expect(p.result == (count >= 40 ? .failure(.headerTooLarge) : .incomplete), "prefix \(count)")
        }
        // A head that ends exactly at the limit is fine.
        let exact = Self.h + "X: " + String(repeating: "v", count: 40 - Self.h.utf8.count - 7) + "\r\n\r\n"
        #expect(exact.utf8.count == 40)
        #expect(parseRequest(exact, limits: limits).result == .complete(headLength: 40))
    }

    /// The complete message fails with the case's error; so does every prefix
    /// that already contains the offending byte, and no prefix fails otherwise.
    func check(_ c: RejectCase) {
        let raw = bytes(c.raw)
        let full = parseRequest(raw, limits: c.limits)
        #expect(full.result == .failure(c.error), "\(c.name): \(full.result)")
        for count in 0..<raw.count {
            let result = parseRequest(Array(raw[0..<count]), limits: c.limits).result
            #expect(result == .incomplete || result == .failure(c.error), "\(c.name) prefix \(count): \(result)")
        }
    }
}
