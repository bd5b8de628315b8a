import Testing
@testable import RingwayHTTP

@Suite("Response head parser")
struct ResponseParserTests {
    @Test func statusLine() {
        let p = parseResponse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: vllm\r\n\r\nhello")
        #expect(p.result == .complete(headLength: p.raw.count - 5))
        #expect(p.head.status == 200)
        #expect(p.head.isHTTP11)
        #expect(p.string(p.head.reason) == "OK")
        #expect(p.head.framing == .contentLength(5))
        #expect(p.head.keepAlive)
        #expect(p.head.headers.count == 2)
    }

    @Test func reasonMayBeEmptyOrContainSpaces() {
        let empty = parseResponse("HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n")
        #expect(empty.head.status == 404)
        #expect(empty.head.reason.isEmpty)
        let spaced = parseResponse("HTTP/1.1 503 Service\tUnavailable Now\r\nContent-Length: 0\r\n\r\n")
        #expect(spaced.string(spaced.head.reason) == "Service\tUnavailable Now")
    }

    @Test("malformed status lines", arguments: [
        ("HTTP/1.1 200\r\n\r\n", HTTPParseError.missingReasonSeparator),
        ("HTTP/1.1 2000 OK\r\n\r\n", .missingReasonSeparator),
        ("HTTP/1.1 20 OK\r\n\r\n", .invalidStatusCode),
        ("HTTP/1.1 099 X\r\n\r\n", .invalidStatusCode),
        ("HTTP/1.1 600 X\r\n\r\n", .invalidStatusCode),
        ("HTTP/1.1 2x0 X\r\n\r\n", .invalidStatusCode),
        ("HTTP/1.1  200 OK\r\n\r\n", .invalidStatusCode),
        ("HTTP/2 200 OK\r\n\r\n", .invalidVersion),
        ("HTTP/2.0 200 OK\r\n\r\n", .unsupportedVersion),
        ("http/1.1 200 OK\r\n\r\n", .invalidVersion),
        ("HTTP/1.1 200 OK\nServer: x\r\n\r\n", .bareLF),
        ("HTTP/1.1 200 O\u{01}K\r\n\r\n", .invalidReasonByte),
        ("HTTP/1.1 200 OK\rX\r\n\r\n", .bareCR),
        ("HTTP/1.1 200 OK\r\nServer : x\r\n\r\n", .whitespaceBeforeColon),
        ("HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", .obsFold),
        ("HTTP/1.1 200 OK\r\nX: \u{00}\r\n\r\n", .nulInFieldValue),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", .duplicateContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", .ambiguousFraming),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n", .ambiguousFraming),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", .chunkedNotFinal),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", .chunkedNotFinal),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", .chunkedRepeated),
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", .invalidContentLength),
    ])
    func malformed(_ s: String, _ error: HTTPParseError) {
        #expect(parseResponse(s).result == .failure(error))
    }

    struct FramingCase: Sendable, CustomTestStringConvertible {
        var head: String
        var requestWasHEAD = false
        var framing: BodyFraming
        var keepAlive: Bool
        var testDescription: String { head.split(separator: "\r\n").joined(separator: " | ") + (requestWasHEAD ? " (HEAD)" : "") }
    }

    /// RFC 9112 §6.3.
    static let framingTable: [FramingCase] = [
        .init(head: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n", framing: .contentLength(10), keepAlive: true),
        .init(head: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n", framing: .chunked, keepAlive: true),
        .init(head: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n", framing: .chunked, keepAlive: true),
        .init(head: "HTTP/1.1 200 OK\r\n", framing: .untilClose, keepAlive: false),
        .init(head: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n", requestWasHEAD: true, framing: .none, keepAlive: true),
        .init(head: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n", requestWasHEAD: true, framing: .none, keepAlive: true),
        .init(head: "HTTP/1.1 200 OK\r\n", requestWasHEAD: true, framing: .none, keepAlive: true),
        .init(head: "HTTP/1.1 204 No Content\r\n", framing: .none, keepAlive: true),
        .init(head: "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n", framing: .none, keepAlive: true),
        .init(head: "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n", framing: .none, keepAlive: true),
        .init(head: "HTTP/1.1 100 Continue\r\n", framing: .none, keepAlive: true),
        .init(head: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n", framing: .none, keepAlive: true),
        .init(head: "HTTP/1.1 103 Early Hints\r\n", framing: .none, keepAlive: true),
        .init(head: "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n", framing: .contentLength(1), keepAlive: false),
        .init(head: "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n", framing: .contentLength(1), keepAlive: false),
        .init(head: "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n", framing: .contentLength(1), keepAlive: true),
        .init(head: "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n", framing: .untilClose, keepAlive: false),
        .init(head: "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n", framing: .contentLength(0), keepAlive: true),
    ]

    @Test("framing table", arguments: framingTable)
    func framing(_ c: FramingCase) {
        let p = parseResponse(c.head + "\r\n", requestWasHEAD: c.requestWasHEAD)
        #expect(p.result == .complete(headLength: p.raw.count))
        #expect(p.head.framing == c.framing)
        #expect(p.head.keepAlive == c.keepAlive)
    }

    @Test("event-stream detection", arguments: [
        ("text/event-stream", true), ("Text/Event-Stream", true), ("text/event-stream; charset=utf-8", true),
        ("text/event-stream;charset=utf-8", true), ("  text/event-stream  ", true), ("text/event-streams", false),
        ("text/event", false), ("application/json", false), ("text/plain; x=text/event-stream", false),
    ])
    func eventStream(_ value: String, _ expected: Bool) {
        let p = parseResponse("HTTP/1.1 200 OK\r\nContent-Type: \(value)\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(p.result == .complete(headLength: p.raw.count))
        #expect(p.head.isEventStream == expected)
    }

    @Test func limitsApply() {
        let few = HTTPLimits.with { $0.maxHeaderCount = 1 }
        #expect(parseResponse("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n", limits: few).result == .failure(.tooManyHeaders))
        let small = HTTPLimits.with { $0.maxHeaderBytes = 20 }
        #expect(parseResponse("HTTP/1.1 200 OK\r\nServer: abc\r\n\r\n", limits: small).result == .failure(.headerTooLarge))
        // The request body limit does not apply to responses.
        let tiny = HTTPLimits.with { $0.maxBodyBytes = 1 }
        #expect(parseResponse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", limits: tiny).head.framing == .contentLength(100))
    }

    @Test func connectionListedFieldsAreMarked() {
        let p = parseResponse("HTTP/1.1 200 OK\r\nConnection: x-hop\r\nX-Hop: 1\r\nContent-Length: 0\r\n\r\n")
        #expect(p.head.headers.map(\.kind) == [.connection, .listedInConnection, .contentLength])
    }
}
