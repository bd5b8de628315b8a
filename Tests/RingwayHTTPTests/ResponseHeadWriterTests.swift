import Testing
@testable import RingwayHTTP

@Suite("Response head writer")
struct ResponseHeadWriterTests {
    static func relay(
        _ response: String, requestWasHEAD: Bool = false, closeAfter: Bool = false, extra: String = "", capacity: Int = 4096
    ) -> String? {
        let p = parseResponse(response, requestWasHEAD: requestWasHEAD)
        guard case .complete = p.result else { Issue.record("parse: \(p.result)"); return nil }
        let extraBytes = Array(extra.utf8)
        return extraBytes.withUnsafeBytes { e in
            render(capacity: capacity) { out in
                p.raw.withUnsafeBytes {
                    ResponseHeadWriter.write(p.head, source: $0, closeAfter: closeAfter, extraHeaderLines: e, into: out)
                }
            }.map { text($0) }
        }
    }

    @Test func dropsHopByHopKeepsFraming() {
        let out = Self.relay("HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\nX-Hop: 1\r\n"
            + "Content-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nProxy-Connection: close\r\nUpgrade: h2c\r\n"
            + "TE: trailers\r\nTrailer: X-Usage\r\n\r\n")
        #expect(out == "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nTrailer: X-Usage\r\n\r\n")
    }

    @Test func closeAndExtraLines() {
        let out = Self.relay("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n", closeAfter: true, extra: "X-Request-ID: r-1\r\n")
        #expect(out == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\nX-Request-ID: r-1\r\n\r\n")
    }

    @Test func emptyReasonGetsTheStandardPhrase() {
        #expect(Self.relay("HTTP/1.1 429 \r\nContent-Length: 0\r\n\r\n") == "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n")
        #expect(Self.relay("HTTP/1.1 299 \r\nContent-Length: 0\r\n\r\n") == "HTTP/1.1 299 Success\r\nContent-Length: 0\r\n\r\n")
        #expect(Self.relay("HTTP/1.1 200 Fine\r\nContent-Length: 0\r\n\r\n") == "HTTP/1.1 200 Fine\r\nContent-Length: 0\r\n\r\n")
    }

    @Test func framingFieldsOn204And1xxAreDroppedButKeptOnHEADAnd304() {
        #expect(Self.relay("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nX: y\r\n\r\n") == "HTTP/1.1 204 No Content\r\nX: y\r\n\r\n")
        #expect(Self.relay("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n") == "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n")
        #expect(Self.relay("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n")
            == "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n")
        #expect(Self.relay("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", requestWasHEAD: true)
            == "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n")
    }

    @Test func returnsNilWhenTheHeadDoesNotFit() {
        let response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n"
        guard let full = Self.relay(response, closeAfter: true, extra: "X-A: b\r\n") else { Issue.record("no output"); return }
        for capacity in 0..<full.utf8.count {
            #expect(Self.relay(response, closeAfter: true, extra: "X-A: b\r\n", capacity: capacity) == nil)
        }
        #expect(Self.relay(response, closeAfter: true, extra: "X-A: b\r\n", capacity: full.utf8.count) == full)
    }
}
