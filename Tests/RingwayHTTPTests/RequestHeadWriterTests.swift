import Testing
@testable import RingwayHTTP

@Suite("Request head writer")
struct RequestHeadWriterTests {
    /// Parses `request` and writes the upstream head with the given context.
    static func forward(
        _ request: String, address: String = "10.0.0.9", proto: ForwardingContext.Proto = .http,
        requestID: String = "", hostOverride: String = "", capacity: Int = 4096
    ) -> String? {
        let p = parseRequest(request)
        guard case .complete = p.result else { Issue.record("parse: \(p.result)"); return nil }
        let address = Array(address.utf8), id = Array(requestID.utf8), host = Array(hostOverride.utf8)
        return address.withUnsafeBytes { a in
            id.withUnsafeBytes { i in
                host.withUnsafeBytes { h in
                    let context = ForwardingContext(clientAddress: a, proto: proto, requestID: i, hostOverride: h)
                    return render(capacity: capacity) { out in
                        p.raw.withUnsafeBytes { RequestHeadWriter.write(p.head, source: $0, context: context, into: out) }
                    }.map { text($0) }
                }
            }
        }
    }

    @Test func dropsHopByHopAndConnectionListedFields() {
        let out = Self.forward(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nConnection: keep-alive, X-Private, Upgrade\r\n"
                + "Keep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\nUpgrade: h2c\r\n"
                + "Expect: 100-continue\r\nx-private: secret\r\nTrailer: X-Checksum\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nX-Forwarded-Proto: https\r\n\r\n",
            requestID: "gen-1")
        #expect(out == "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nTrailer: X-Checksum\r\n"
            + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
            + "X-Forwarded-For: 10.0.0.9\r\nX-Forwarded-Proto: http\r\nX-Request-ID: gen-1\r\n\r\n")
    }

    @Test func keepsContentLengthAndFieldOrderAndNameCase() {
        let out = Self.forward("PUT /x?y=1 HTTP/1.1\r\nhOsT: a:8080\r\nx-b: 2\r\nContent-Length: 3\r\nX-A:  1 \r\n\r\n",
                               proto: .https)
        #expect(out == "PUT /x?y=1 HTTP/1.1\r\nhOsT: a:8080\r\nx-b: 2\r\nContent-Length: 3\r\nX-A: 1\r\n"
            + "X-Forwarded-For: 10.0.0.9\r\nX-Forwarded-Proto: https\r\n\r\n")
    }

    @Test("X-Forwarded-For is appended to, joined across lines, or set", arguments: [
        ("", "X-Forwarded-For: 10.0.0.9\r\n"),
        ("X-Forwarded-For: 1.1.1.1\r\n", "X-Forwarded-For: 1.1.1.1, 10.0.0.9\r\n"),
        ("x-forwarded-for: 1.1.1.1, 2.2.2.2\r\n", "X-Forwarded-For: 1.1.1.1, 2.2.2.2, 10.0.0.9\r\n"),
        ("X-Forwarded-For: 1.1.1.1\r\nX-A: b\r\nX-Forwarded-For: 2.2.2.2\r\n", "X-A: b\r\nX-Forwarded-For: 1.1.1.1, 2.2.2.2, 10.0.0.9\r\n"),
        ("X-Forwarded-For:\r\n", "X-Forwarded-For: 10.0.0.9\r\n"),
        ("X-Forwarded-For: 1.1.1.1\r\nConnection: x-forwarded-for\r\n", "X-Forwarded-For: 10.0.0.9\r\n"),
    ])
    func forwardedFor(_ fields: String, _ expected: String) {
        let out = Self.forward("GET / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n")
        #expect(out == "GET / HTTP/1.1\r\nHost: a\r\n" + expected + "X-Forwarded-Proto: http\r\n\r\n")
    }

    @Test func requestIDIsKeptWhenSentAndAddedOtherwise() {
        let kept = Self.forward("GET / HTTP/1.1\r\nHost: a\r\nX-Request-Id: client-7\r\n\r\n", requestID: "gen-1")
        #expect(kept == "GET / HTTP/1.1\r\nHost: a\r\nX-Request-Id: client-7\r\n"
            + "X-Forwarded-For: 10.0.0.9\r\nX-Forwarded-Proto: http\r\n\r\n")
        let added = Self.forward("GET / HTTP/1.1\r\nHost: a\r\n\r\n", requestID: "gen-1")
        #expect(added?.hasSuffix("X-Forwarded-Proto: http\r\nX-Request-ID: gen-1\r\n\r\n") == true)
        let none = Self.forward("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(none?.contains("X-Request-ID") == false)
        // A client id the client itself declared hop-by-hop is replaced.
        let listed = Self.forward("GET / HTTP/1.1\r\nHost: a\r\nX-Request-Id: c\r\nConnection: x-request-id\r\n\r\n",
                                  requestID: "gen-2")
        #expect(listed?.contains("X-Request-Id: c") == false)
        #expect(listed?.contains("X-Request-ID: gen-2\r\n") == true)
    }

    @Test func hostOverrideReplacesOrSuppliesHost() {
        let replaced = Self.forward("GET / HTTP/1.1\r\nX-A: 1\r\nHost: client\r\n\r\n", hostOverride: "api.upstream:443")
        #expect(replaced == "GET / HTTP/1.1\r\nHost: api.upstream:443\r\nX-A: 1\r\n"
            + "X-Forwarded-For: 10.0.0.9\r\nX-Forwarded-Proto: http\r\n\r\n")
        let supplied = Self.forward("GET / HTTP/1.0\r\n\r\n", hostOverride: "up")
        #expect(supplied == "GET / HTTP/1.0\r\nHost: up\r\nX-Forwarded-For: 10.0.0.9\r\nX-Forwarded-Proto: http\r\n\r\n")
    }

    /// An HTTP/1.0 client cannot read chunked framing, so the upstream is
    /// asked in HTTP/1.0 too and answers with a length or by closing.
    @Test func http10IsForwardedAsHTTP10() {
        let out = Self.forward("GET /old HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n")
        #expect(out == "GET /old HTTP/1.0\r\nHost: a\r\nX-Forwarded-For: 10.0.0.9\r\nX-Forwarded-Proto: http\r\n\r\n")
    }

    @Test func returnsNilWhenTheHeadDoesNotFitAndExactSizeWhenItDoes() {
        let request = "POST /v1/completions HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 1.1.1.1\r\nContent-Length: 2\r\n\r\n"
        guard let full = Self.forward(request, requestID: "r-1") else { Issue.record("no output"); return }
        let size = full.utf8.count
        for capacity in 0..<size {
            #expect(Self.forward(request, requestID: "r-1", capacity: capacity) == nil, "capacity \(capacity)")
        }
        #expect(Self.forward(request, requestID: "r-1", capacity: size) == full)
    }

    @Test func outputParsesBackWithTheSameFraming() {
        let request = "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\nX-A: b\r\n\r\n"
        guard let out = Self.forward(request) else { Issue.record("no output"); return }
        let again = parseRequest(out)
        #expect(again.result == .complete(headLength: out.utf8.count))
        #expect(again.head.framing == .chunked)
        #expect(again.head.keepAlive)
        #expect(again.value("x-forwarded-for") == "10.0.0.9")
    }
}

@Suite("Request head writer: re-framing and pool fields")
struct RequestHeadWriterReframeTests {
    static func forward(_ request: String, bodyLength: Int64, removed: [String], extra: String) -> String? {
        let p = parseRequest(request)
        guard case .complete = p.result else { Issue.record("parse: \(p.result)"); return nil }
        let address = Array("10.0.0.9".utf8), packed = RemovedFieldNames.pack(removed), lines = Array(extra.utf8)
        return address.withUnsafeBytes { a in
            packed.withUnsafeBytes { r in
                lines.withUnsafeBytes { e in
                    let context = ForwardingContext(clientAddress: a, proto: .http, bodyLength: bodyLength,
                                                    removedFieldNames: r, extraFieldLines: e)
                    return render(capacity: 4096) { out in
                        p.raw.withUnsafeBytes { RequestHeadWriter.write(p.head, source: $0, context: context, into: out) }
                    }.map { text($0) }
                }
            }
        }
    }

    @Test func aSplicedBodyGetsItsNewLengthAndThePoolsCredentials() {
        let out = Self.forward(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer client-key\r\n"
                + "Content-Length: 40\r\nContent-Type: application/json\r\n\r\n",
            bodyLength: 52, removed: ["authorization"], extra: "authorization: Bearer pool-key\r\n")
        #expect(out == "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
            + "Content-Length: 52\r\nauthorization: Bearer pool-key\r\n"
            + "X-Forwarded-For: 10.0.0.9\r\nX-Forwarded-Proto: http\r\n\r\n")
    }

    @Test func removalIgnoresCaseAndReframingDropsTransferEncoding() {
        let out = Self.forward(
            "POST /x HTTP/1.1\r\nHost: gw\r\nX-API-KEY: k\r\nTransfer-Encoding: chunked\r\n\r\n",
            bodyLength: 7, removed: ["x-api-key", "authorization"], extra: "")
        #expect(out == "POST /x HTTP/1.1\r\nHost: gw\r\nContent-Length: 7\r\n"
            + "X-Forwarded-For: 10.0.0.9\r\nX-Forwarded-Proto: http\r\n\r\n")
    }
}
