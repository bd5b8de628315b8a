import Testing
@testable import RingwayHTTP

/// The request-smuggling classics, replayed through a model of the proxy's
/// request path: parse a head, write the upstream head, relay the body as the
/// parsed framing says, repeat on what is left; stop at the first error (the
/// proxy answers 4xx and closes). The upstream stream is then parsed on its
/// own: it must hold exactly the requests Ringway accepted, in order, with
/// nothing a different parser could read as an extra request.
@Suite("Request smuggling")
struct SmugglingTests {
    struct Relay {
        var upstream: [UInt8] = []
        var accepted: [String] = []  // targets Ringway forwarded
        var rejection: HTTPParseError?
    }

    static func relay(_ client: [UInt8]) -> Relay {
        var relay = Relay()
        var rest = client[...]
        var head = RequestHead()
        let address = Array("192.0.2.1".utf8)
        while !rest.isEmpty {
            let slice = Array(rest)
            let result = slice.withUnsafeBytes { RequestHeadParser.parse($0, limits: HTTPLimits(), into: &head) }
            guard case .complete(let headLength) = result else {
                if case .failure(let e) = result { relay.rejection = e }
                return relay
            }
            relay.accepted.append(text(slice[Int(head.target.start)..<Int(head.target.end)]))
            let written = address.withUnsafeBytes { ip in
                render { out in
                    slice.withUnsafeBytes {
                        RequestHeadWriter.write(head, source: $0, context: ForwardingContext(clientAddress: ip, proto: .http), into: out)
                    }
                }
            }
            relay.upstream += written!
            var bodyEnd = headLength
            switch head.framing {
            case .none, .untilClose:
                break
            case .contentLength(let n):
                guard slice.count - headLength >= Int(n) else { return relay }
                bodyEnd += Int(n)
            case .chunked:
                var framing = ChunkedFraming(limits: HTTPLimits())
                let step = Array(slice[headLength...]).withUnsafeBytes { framing.feed($0) }
                switch step {
                case .done(let consumed): bodyEnd += consumed
                case .needMore: return relay
                case .failure(let e): relay.rejection = e; return relay
                }
            }
            relay.upstream += slice[headLength..<bodyEnd]
            rest = rest.dropFirst(bodyEnd)
        }
        return relay
    }

    /// What the upstream sees, parsed independently with the same strict rules.
    static func upstreamTargets(_ upstream: [UInt8]) -> [String] {
        relay(upstream).accepted
    }

    static let smuggled = "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n"

    static let cases: [RejectCase] = [
        .init(name: "CL.TE", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG",
              error: .ambiguousFraming),
        .init(name: "TE.CL", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
              + "8\r\nSMUGGLED\r\n0\r\n\r\n", error: .ambiguousFraming),
        .init(name: "TE.TE chunked, identity", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n"
              + "\r\n0\r\n\r\n" + smuggled, error: .chunkedNotFinal),
        .init(name: "TE.TE xchunked", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\nContent-Length: 4\r\n\r\n"
              + "0\r\n\r\n" + smuggled, error: .ambiguousFraming),
        .init(name: "TE.TE duplicate lines", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
              + "Transfer-Encoding: x\r\n\r\n0\r\n\r\n" + smuggled, error: .chunkedNotFinal),
        .init(name: "TE.TE space before colon", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n"
              + "Content-Length: 4\r\n\r\n0\r\n\r\n" + smuggled, error: .whitespaceBeforeColon),
        .init(name: "TE.TE obs-fold", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n"
              + smuggled, error: .emptyTransferEncoding),
        .init(name: "TE.TE vertical tab", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \u{0B}chunked\r\n\r\n0\r\n\r\n"
              + smuggled, error: .controlInFieldValue),
        .init(name: "duplicate CL", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 37\r\n\r\n"
              + smuggled, error: .duplicateContentLength),
        .init(name: "CL with a sign", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +37\r\n\r\n" + smuggled,
              error: .invalidContentLength),
        .init(name: "CL in hex", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x25\r\n\r\n" + smuggled,
              error: .invalidContentLength),
        .init(name: "CL with inner space", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3 7\r\n\r\n" + smuggled,
              error: .invalidContentLength),
        .init(name: "bare LF field line", raw: "POST / HTTP/1.1\r\nHost: a\r\nX: y\nContent-Length: 37\r\n\r\n" + smuggled,
              error: .bareLF),
        .init(name: "NUL hiding a field", raw: "POST / HTTP/1.1\r\nHost: a\r\nX: \u{00}\r\nContent-Length: 37\r\n\r\n"
              + smuggled, error: .nulInFieldValue),
        .init(name: "chunk size lies", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "3\r\nabcdef\r\n0\r\n\r\n" + smuggled, error: .missingChunkDataCRLF),
        .init(name: "chunk size with trailing space", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "0 \r\n\r\n" + smuggled, error: .whitespaceAfterChunkSize),
        .init(name: "chunk size overflow", raw: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "10000000000000000\r\n\r\n" + smuggled, error: .chunkSizeOverflow),
        .init(name: "TE on HTTP/1.0", raw: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
              + "0\r\n\r\n" + smuggled, error: .transferEncodingInHTTP10),
    ]

    @Test("smuggling attempt is rejected and nothing smuggled reaches the upstream", arguments: cases)
    func rejected(_ c: RejectCase) {
        let relay = Self.relay(bytes(c.raw))
        #expect(relay.rejection == c.error, "\(c.name)")
        #expect(!relay.accepted.contains("/smuggled"))
        #expect(Self.upstreamTargets(relay.upstream) == relay.accepted)
        #expect(!text(relay.upstream).contains("/smuggled"))
    }

    @Test("accepted framings forward one request per client request, bodies intact", arguments: [
        "POST /1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\t\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
        "POST /1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Trailer: GET /x HTTP/1.1\r\n\r\n",
    ])
    func acceptedForwardsExactlyOnce(_ first: String) {
        let client = bytes(first + Self.smuggled)
        let relay = Self.relay(client)
        #expect(relay.rejection == nil)
        // The second request is one the client really sent after the first
        // body; the upstream sees the same two requests, nothing else.
        #expect(relay.accepted == ["/1", "/smuggled"])
        #expect(Self.upstreamTargets(relay.upstream) == ["/1", "/smuggled"])
        #expect(!text(relay.upstream).contains("chunked\t"))
    }
}
