import Testing
@testable import RingwayHTTP

/// The parsers restart from offset 0 with more bytes; every split point must
/// give `.incomplete` and then exactly the one-shot result.
@Suite("Incremental parsing")
struct IncrementalParsingTests {
    static let requests: [String] = [
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "\r\nPOST /v1/chat/completions HTTP/1.1\r\nHost: localhost:8080\r\nContent-Type: application/json\r\n"
            + "Content-Length: 42\r\nX-Request-ID: abc\r\nX-Forwarded-For: 1.2.3.4\r\nConnection: keep-alive, x-a\r\n"
            + "X-A: 1\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n",
        "GET /a HTTP/1.0\r\nConnection: keep-alive\r\nX-Empty:\r\nX-Tabs: \t a\tb \t\r\n\r\n",
    ]

    @Test("requests: every split point", arguments: requests)
    func requestSplits(_ s: String) {
        let raw = bytes(s)
        let whole = parseRequest(raw)
        #expect(whole.result == .complete(headLength: raw.count))
        for count in 0..<raw.count {
            #expect(parseRequest(Array(raw[0..<count])).result == .incomplete, "prefix \(count)")
        }
        // Restarting with the same head value after incomplete attempts gives
        // the same fields as a fresh parse.
        var head = RequestHead()
        for count in stride(from: 1, through: raw.count, by: 7) {
            _ = Array(raw[0..<count]).withUnsafeBytes { RequestHeadParser.parse($0, limits: HTTPLimits(), into: &head) }
        }
        let again = raw.withUnsafeBytes { RequestHeadParser.parse($0, limits: HTTPLimits(), into: &head) }
        #expect(again == whole.result)
        #expect(head.headers == whole.head.headers)
        #expect(head.framing == whole.head.framing)
        #expect(head.keepAlive == whole.head.keepAlive)
        #expect(head.expectsContinue == whole.head.expectsContinue)
    }

    static let responses: [String] = [
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 204 \r\nX-A: b\r\n\r\n",
        "HTTP/1.0 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    ]

    @Test("responses: every split point", arguments: responses)
    func responseSplits(_ s: String) {
        let whole = parseResponse(s)
        let raw = bytes(s)
        #expect(whole.result == .complete(headLength: raw.count))
        for count in 0..<raw.count {
            var head = ResponseHead()
            let result = Array(raw[0..<count]).withUnsafeBytes {
                ResponseHeadParser.parse($0, requestWasHEAD: false, limits: HTTPLimits(), into: &head)
            }
            #expect(result == .incomplete, "prefix \(count)")
        }
    }

    @Test("an illegal byte fails before the head is complete", arguments: [
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{00}", HTTPParseError.nulInFieldValue),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A : ", .whitespaceBeforeColon),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c", .obsFold),
        ("GET / HTTP/1.1\nHost", .bareLF),
        ("GET /\u{01}", .invalidTargetByte),
        ("GET / HTTX", .invalidVersion),
        ("GET / HTTP/1.x", .invalidVersion),
        ("POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n", .ambiguousFraming),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n", .chunkedNotFinal),
        ("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n", .duplicateContentLength),
    ])
    func failFast(_ s: String, _ error: HTTPParseError) {
        #expect(parseRequest(s).result == .failure(error))
    }
}
