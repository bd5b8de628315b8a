import Foundation
import Testing

/// Plain request/response relaying: bodies, forwarded headers, connection reuse, framing.
extension EndToEnd {
    @Suite struct ProxyForwarding {
        /// Headers that legitimately differ between a direct and a proxied answer.
        static let volatileHeaders: Set<String> = ["x-mock-conn", "x-mock-seq", "date", "server", "connection", "keep-alive"]

        @Test func nonStreamingCompletionIsByteIdentical() throws {
            let bed = try Testbed()
            defer { bed.stop() }
            let request = HTTPRequest.chat(stream: false, shaping: [("x-mock-tokens", "5")])
            let direct = try bed.mock.directRequest(request)
            let client = try bed.proxy.connect()
            try client.send(request)
            let proxied = try client.readResponse()
            #expect(proxied.status == 200, "\(bed.proxy.logs)")
            #expect(proxied.body == direct.body, "proxied body differs: \(proxied.text)")
            for field in direct.head.fields where !Self.volatileHeaders.contains(field.name.lowercased()) {
                #expect(proxied.head.values(field.name) == [field.value], "header \(field.name)")
            }
        }

        @Test func upstreamSeesForwardingHeadersAndNoHopByHopHeaders() throws {
            let bed = try Testbed()
            defer { bed.stop() }
            let client = try bed.proxy.connect()
            try client.send(HTTPRequest.get("/echo", headers: [
                ("Connection", "keep-alive, X-Hop-Custom"), ("X-Hop-Custom", "secret"),
                ("Keep-Alive", "timeout=5"), ("Proxy-Connection", "keep-alive"), ("TE", "trailers"),
                ("X-End-To-End", "kept"),
            ]))
            let first = try client.readResponse()
            #expect(first.status == 200, "\(first.text)")
            let headers = try Self.upstreamHeaders(first)
            for hop in ["connection", "keep-alive", "proxy-connection", "te", "x-hop-custom"] {
                #expect(headers[hop] == nil, "hop-by-hop header \(hop) reached the upstream: \(headers[hop]!)")
            }
            #expect(headers["x-end-to-end"] == ["kept"])
            #expect(headers["x-forwarded-for"] == ["127.0.0.1"])
            #expect(headers["x-forwarded-proto"] == ["http"])
            let generated = headers["x-request-id"] ?? []
            #expect(generated.count == 1 && !(generated.first ?? "").isEmpty, "x-request-id: \(generated)")

            try client.send(HTTPRequest.get("/echo", headers: [("X-Request-Id", "client-req-42")]))
            let kept = try Self.upstreamHeaders(client.readResponse())
            #expect(kept["x-request-id"] == ["client-req-42"])

            try client.send(HTTPRequest.get("/echo", headers: [("Upgrade", "websocket")]))
            let upgrade = try client.readResponse()
            #expect(upgrade.status == 200, "\(upgrade.text)")
            #expect(try Self.upstreamHeaders(upgrade)["upgrade"] == nil, "Upgrade reached the upstream")
        }

        @Test func twentySequentialRequestsReuseUpstreamConnections() throws {
            let bed = try Testbed()
            defer { bed.stop() }
            let client = try bed.proxy.connect()
            var upstreamConnections: Set<String> = []
            for i in 0..<20 {
                try client.send(i % 2 == 0 ? HTTPRequest.chat(stream: false) : HTTPRequest.get("/echo?i=\(i)"))
                let response = try client.readResponse()
                #expect(response.status == 200, "request \(i): \(response.text)")
                #expect(!response.head.closesConnection, "request \(i) closed the client connection")
                upstreamConnections.insert(response.head.value("x-mock-conn") ?? "missing")
            }
            #expect(!upstreamConnections.contains("missing"))
            #expect(upstreamConnections.count <= 2, "upstream connections used: \(upstreamConnections.sorted())")
        }

        @Test func pipelinedRequestsAreAnsweredInOrder() throws {
            let bed = try Testbed()
            defer { bed.stop() }
            let client = try bed.proxy.connect()
            try client.send((1...3).map { HTTPRequest.get("/echo?i=\($0)") }.joined())
            for i in 1...3 {
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(try response.json()["path"] as? String == "/echo?i=\(i)")
            }
        }

        @Test func chunkedUploadWithExtensionsArrivesIntact() throws {
            let bed = try Testbed()
            defer { bed.stop() }
            let body = "hello" + "abcdefghijklmnopqrstuvwxyz" + "xyz"
            let reference = try bed.mock.directRequest(HTTPRequest.make(method: "POST", path: "/echo", body: body)).json()
            let client = try bed.proxy.connect()
            try client.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n")
            for piece in ["5;name=value\r\nhello\r\n", "1A\r\nabcdefghijklmnopqrstuvwxyz\r\n",
                          "3;a;b=\"q\"\r\nxyz\r\n", "0\r\n\r\n"] {
                sleepMillis(20)
                try client.send(piece)
            }
            let echo = try client.readResponse().json()
            #expect(echo["body_len"] as? Int == body.utf8.count)
            #expect(echo["body_sha256"] as? String == reference["body_sha256"] as? String)
        }

        @Test func expectContinueThenBody() throws {
            let bed = try Testbed()
            defer { bed.stop() }
            let client = try bed.proxy.connect()
            try client.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            let interim = try client.readHead()
            #expect(interim.status == 100, "expected 100 Continue before sending the body")
            try client.send("hello")
            let response = try client.readResponse()
            #expect(response.status == 200)
            let echo = try response.json()
            #expect(echo["body_len"] as? Int == 5)
            #expect(echo["body_sha256"] as? String == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        }

        @Test func headResponseHasLengthButNoBody() throws {
            let bed = try Testbed()
            defer { bed.stop() }
            let client = try bed.proxy.connect()
            try client.send(HTTPRequest.make(method: "HEAD", path: "/bytes?n=10"))
            let head = try client.readResponse(method: "HEAD")
            #expect(head.status == 200)
            #expect(head.head.value("content-length") == "10")
            // Any body bytes would be read as the next status line and fail here.
            try client.send(HTTPRequest.get("/health"))
            let next = try client.readResponse()
            #expect(next.status == 200)
            #expect(next.text == "ok")
        }

        @Test func unixSocketUpstream() throws {
            let path = "/tmp/ringway-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
            let mock = try MockUpstream(uds: path)
            defer { mock.stop() }
            let proxy = try RingwayProxy(upstream: "unix:\(path)")
            defer { proxy.stop() }
            let client = try proxy.connect()
            try client.send(HTTPRequest.get("/health"))
            let response = try client.readResponse()
            #expect(response.status == 200, "\(proxy.logs)")
            #expect(response.text == "ok")
            #expect(try mock.requestsSeen() == ["GET /health"])
        }

        /// Heads larger than one receive buffer, both ways: the request head is
        /// gathered across buffers, and so is the upstream's response head.
        @Test func headsSpanningSeveralReceiveBuffers() throws {
            let bed = try Testbed(flags: ["--buffer-size", "1024"])
            defer { bed.stop() }
            let client = try bed.proxy.connect()
            let bigHeaders = (0..<10).map { ("X-Big-\($0)", String(repeating: "b", count: 1500)) }
            try client.send(HTTPRequest.get("/echo", headers: bigHeaders + [("x-mock-header-bytes", "20000")]))
            let response = try client.readResponse()
            #expect(response.status == 200, "\(bed.proxy.logs)")
            #expect(response.head.value("x-mock-padding-4")?.count == 4000)
            let seen = try Self.upstreamHeaders(response)
            #expect(seen["x-big-9"] == [String(repeating: "b", count: 1500)])
            // And the connection is still in step afterwards.
            try client.send(HTTPRequest.get("/health"))
            #expect(try client.readResponse().text == "ok")
        }

        /// RFC 9112 §3.2.2: an absolute-form target's authority replaces Host,
        /// and the upstream gets the origin-form path.
        @Test func absoluteFormTargetIsForwardedInOriginForm() throws {
            let bed = try Testbed()
            defer { bed.stop() }
            let client = try bed.proxy.connect()
            try client.send(Array("GET http://api.example:8000/echo?x=1 HTTP/1.1\r\nHost: ignored\r\n\r\n".utf8))
            let response = try client.readResponse()
            #expect(response.status == 200, "\(response.text)")
            let echo = try response.json()
            #expect(echo["path"] as? String == "/echo?x=1")
            #expect(try Self.upstreamHeaders(response)["host"] == ["api.example:8000"])
        }

        /// The echo's header list as lowercased name -> values (in order).
        static func upstreamHeaders(_ response: HTTPResponse) throws -> [String: [String]] {
            let pairs = try #require(try response.json()["headers"] as? [[String]])
            var result: [String: [String]] = [:]
            for pair in pairs where pair.count == 2 { result[pair[0].lowercased(), default: []].append(pair[1]) }
            return result
        }
    }
}
