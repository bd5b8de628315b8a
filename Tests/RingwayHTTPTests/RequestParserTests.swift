import Testing
@testable import RingwayHTTP

@Suite("Request head parser: valid requests")
struct RequestParserTests {
    @Test func simpleGET() {
        let p = parseRequest("GET /v1/models HTTP/1.1\r\nHost: api.local\r\nAccept: */*\r\n\r\n")
        #expect(p.result == .complete(headLength: p.raw.count))
        #expect(p.string(p.head.method) == "GET")
        #expect(p.string(p.head.target) == "/v1/models")
        #expect(p.head.isHTTP11)
        #expect(p.head.framing == .none)
        #expect(p.head.keepAlive)
        #expect(!p.head.isHEAD && !p.head.isCONNECT && !p.head.expectsContinue && !p.head.hasUpgrade)
        #expect(p.string(p.head.host) == "api.local")
        #expect(p.head.headers.count == 2)
        #expect(p.value("accept") == "*/*")
        #expect(p.head.headers[0].kind == .host && p.head.headers[1].kind == .other)
    }

    @Test func chatCompletionPOSTWithContentLength() {
        let body = #"{"model":"m","messages":[]}"#
        let raw = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost:8080\r\nContent-Type: application/json\r\n"
            + "Authorization: Bearer sk-x\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        let p = parseRequest(raw)
        #expect(p.result == .complete(headLength: p.raw.count - body.utf8.count))
        #expect(p.head.framing == .contentLength(Int64(body.utf8.count)))
        #expect(p.value("content-type") == "application/json")
    }

    @Test func chunkedPOST() {
        let p = parseRequest("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        guard case .complete(let length) = p.result else { Issue.record("\(p.result)"); return }
        #expect(text(p.raw[length...]) == "5\r\nhello\r\n0\r\n\r\n")
        #expect(p.head.framing == .chunked)
    }

    @Test("Transfer-Encoding chunked is case-insensitive and OWS-trimmed (\\t included)",
          arguments: ["chunked", "CHUNKED", "Chunked", "chunked\t", "\tchunked", " chunked  "])
    func chunkedSpellings(value: String) {
        let p = parseRequest("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \(value)\r\n\r\n")
        #expect(p.head.framing == .chunked)
        #expect(p.value("transfer-encoding")?.lowercased() == "chunked")
    }

    @Test func http10WithoutHost() {
        let p = parseRequest("GET / HTTP/1.0\r\nUser-Agent: x\r\n\r\n")
        #expect(p.result == .complete(headLength: p.raw.count))
        #expect(!p.head.isHTTP11)
        #expect(!p.head.keepAlive)
        #expect(p.head.host == nil)
    }

    @Test("keep-alive table", arguments: [
        ("HTTP/1.1", "", true), ("HTTP/1.1", "Connection: close\r\n", false),
        ("HTTP/1.1", "Connection: keep-alive\r\n", true), ("HTTP/1.1", "Connection: Keep-Alive, CLOSE\r\n", false),
        ("HTTP/1.0", "", false), ("HTTP/1.0", "Connection: keep-alive\r\n", true),
        ("HTTP/1.0", "Connection: keep-alive\r\nConnection: close\r\n", false),
        ("HTTP/1.1", "Connection: ,, close ,\r\n", false),
    ])
    func keepAlive(version: String, fields: String, expected: Bool) {
        let p = parseRequest("GET / \(version)\r\nHost: a\r\n\(fields)\r\n")
        #expect(p.result == .complete(headLength: p.raw.count))
        #expect(p.head.keepAlive == expected)
    }

    @Test func leadingEmptyLinesAreSkipped() {
        let p = parseRequest("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(p.result == .complete(headLength: p.raw.count))
        #expect(p.string(p.head.method) == "GET")
    }

    @Test func exactlyMaxHeaderCountIsAccepted() {
        let limits = HTTPLimits.with { $0.maxHeaderCount = 100 }
        let fields = (1..<100).map { "X-H\($0): v\r\n" }.joined()
        let p = parseRequest("GET / HTTP/1.1\r\nHost: a\r\n\(fields)\r\n", limits: limits)
        #expect(p.result == .complete(headLength: p.raw.count))
        #expect(p.head.headers.count == 100)
        #expect(p.value("x-h99") == "v")
    }

    @Test func valuesAreTrimmedAndKeepInnerWhitespaceAndObsText() {
        var raw = bytes("GET / HTTP/1.1\r\nHost: a\r\nX-A: \t a \t b \t\r\nX-Empty:\r\nX-Blank:  \t \r\nX-Obs: ")
        raw += [0x80, 0xC3, 0xA9, 0xFF]
        raw += bytes("\r\n\r\n")
        let p = parseRequest(raw)
        #expect(p.result == .complete(headLength: raw.count))
        #expect(p.value("x-a") == "a \t b")
        #expect(p.value("x-empty") == "")
        #expect(p.value("x-blank") == "")
        let obs = p.head.headers[4].value
        #expect(Array(raw[Int(obs.start)..<Int(obs.end)]) == [0x80, 0xC3, 0xA9, 0xFF])
    }

    @Test("request-target forms", arguments: [
        ("GET", "/a/b?c=d&e=%20#frag"), ("GET", "http://example.com/x"), ("OPTIONS", "*"),
        ("CONNECT", "example.com:443"), ("GET", "h2c+x.y-z://a"),
    ])
    func targetForms(method: String, target: String) {
        let p = parseRequest("\(method) \(target) HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(p.result == .complete(headLength: p.raw.count))
        #expect(p.string(p.head.target) == target)
        #expect(p.head.isCONNECT == (method == "CONNECT"))
    }

    @Test func headAndCaseSensitiveMethods() {
        #expect(parseRequest("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n").head.isHEAD)
        #expect(!parseRequest("head / HTTP/1.1\r\nHost: a\r\n\r\n").head.isHEAD)
        #expect(!parseRequest("HEADX / HTTP/1.1\r\nHost: a\r\n\r\n").head.isHEAD)
    }

    @Test("Expect: 100-continue", arguments: [("HTTP/1.1", "100-continue", true), ("HTTP/1.1", "100-Continue", true),
                                             ("HTTP/1.0", "100-continue", false)])
    func expectContinue(version: String, value: String, expected: Bool) {
        let p = parseRequest("POST / \(version)\r\nHost: a\r\nExpect: \(value)\r\nContent-Length: 3\r\n\r\n")
        #expect(p.result == .complete(headLength: p.raw.count))
        #expect(p.head.expectsContinue == expected)
    }

    @Test func requestIDForwardedForAndUpgrade() {
        let p = parseRequest("GET / HTTP/1.1\r\nHost: a\r\nX-Request-Id: first\r\nx-request-id: second\r\n"
            + "X-Forwarded-For: 1.1.1.1\r\nX-Forwarded-For: 2.2.2.2, 3.3.3.3\r\nUpgrade: websocket\r\n\r\n")
        #expect(p.string(p.head.requestID) == "first")
        #expect(p.string(p.head.forwardedFor) == "2.2.2.2, 3.3.3.3")
        #expect(p.head.forwardedForCount == 2)
        #expect(p.head.hasUpgrade)
    }

    @Test func connectionListedFieldsAreMarked() {
        let p = parseRequest("GET / HTTP/1.1\r\nHost: a\r\nX-Secret: s\r\nx-forwarded-for: 9.9.9.9\r\n"
            + "Connection: x-secret, X-Forwarded-For, upgrade, keep-alive\r\nX-Other: o\r\n\r\n")
        #expect(p.result == .complete(headLength: p.raw.count))
        #expect(p.head.connectionOptions.map { p.string($0) } == ["x-secret", "X-Forwarded-For"])
        #expect(p.head.headers.map(\.kind) == [.host, .listedInConnection, .listedInConnection, .connection, .other])
        #expect(p.head.forwardedFor == nil && p.head.forwardedForCount == 0)
        #expect(p.head.keepAlive)
    }

    @Test func contentLengthForms() {
        #expect(parseRequest("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 007\r\n\r\n").head.framing == .contentLength(7))
        #expect(parseRequest("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:0\r\n\r\n").head.framing == .contentLength(0))
        let unlimited = HTTPLimits.with { $0.maxBodyBytes = .max }
        let p = parseRequest("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 999999999999999999\r\n\r\n", limits: unlimited)
        #expect(p.head.framing == .contentLength(999_999_999_999_999_999))
        let atLimit = HTTPLimits.with { $0.maxBodyBytes = 10 }
        #expect(parseRequest("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n", limits: atLimit).head.framing
            == .contentLength(10))
    }

    @Test func pipelinedBytesAfterTheHeadAreNotPartOfIt() {
        let first = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
        let p = parseRequest(first + "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(p.result == .complete(headLength: first.utf8.count))
        #expect(p.head.headers.count == 1)
    }

    @Test func headIsReusedWithoutStaleStateOrLostCapacity() {
        var head = RequestHead()
        let big = bytes("POST /big HTTP/1.1\r\nHost: a\r\nConnection: x-a, close\r\nX-A: 1\r\nX-Request-ID: r\r\n"
            + (0..<60).map { "X-\($0): v\r\n" }.joined() + "Expect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        let small = bytes("GET / HTTP/1.1\r\nHost: b\r\n\r\n")
        _ = big.withUnsafeBytes { RequestHeadParser.parse($0, limits: HTTPLimits(), into: &head) }
        let capacity = head.headers.capacity
        #expect(head.headers.count == 66)
        let result = small.withUnsafeBytes { RequestHeadParser.parse($0, limits: HTTPLimits(), into: &head) }
        #expect(result == .complete(headLength: small.count))
        #expect(head.headers.count == 1)
        #expect(head.headers.capacity == capacity)
        #expect(head.framing == .none && head.keepAlive && !head.expectsContinue)
        #expect(head.requestID == nil && head.connectionOptions.isEmpty)
    }

    @Test func emptyBufferIsIncomplete() {
        #expect(parseRequest([UInt8]()).result == .incomplete)
        #expect(parseRequest("\r\n").result == .incomplete)
    }
}
