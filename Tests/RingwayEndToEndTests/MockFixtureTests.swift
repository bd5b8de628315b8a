import Foundation
import Testing

/// Checks the mock upstream itself (no proxy), so a proxy failure is never a fixture bug.
extension EndToEnd {
    @Suite struct MockFixture {
        @Test func healthAndConnectionCounters() throws {
            let mock = try MockUpstream()
            defer { mock.stop() }
            let client = try RawHTTPClient(port: mock.port)
            let requests = [HTTPRequest.get("/health"), HTTPRequest.chat(stream: false),
                            HTTPRequest.chat(stream: false, shaping: [("x-mock-status", "429")]), HTTPRequest.get("/echo")]
            for (index, request) in requests.enumerated() {
                try client.send(request)
                let response = try client.readResponse()
                #expect(response.status == (index == 2 ? 429 : 200))
                #expect(response.head.value("x-mock-seq") == "\(index + 1)")
                #expect(response.head.value("x-mock-conn") == "1", "request \(index) did not keep the connection")
            }
            let other = try mock.directRequest(HTTPRequest.get("/health"))
            #expect(other.head.value("x-mock-conn") == "2")
            #expect(other.text == "ok")
            #expect(try mock.requestsSeen() == ["GET /health", "POST /v1/chat/completions",
                                                "POST /v1/chat/completions", "GET /echo", "GET /health"])
            try mock.resetRequests()
            #expect(try mock.requestsSeen() == [])
        }

        @Test func nonStreamingCompletionShape() throws {
            let mock = try MockUpstream()
            defer { mock.stop() }
            let response = try mock.directRequest(HTTPRequest.chat(stream: false, shaping: [("x-mock-tokens", "3")]))
            #expect(response.status == 200)
            #expect(response.head.contentLength == response.body.count)
            let json = try response.json()
            #expect(json["object"] as? String == "chat.completion")
            let choices = try #require(json["choices"] as? [[String: Any]])
            let message = try #require(choices.first?["message"] as? [String: Any])
            #expect(message["content"] as? String == "tok0 tok1 tok2 ")
            // Deterministic: a second answer is byte-identical.
            let again = try mock.directRequest(HTTPRequest.chat(stream: false, shaping: [("x-mock-tokens", "3")]))
            #expect(again.body == response.body)
        }

        @Test func streamingFormatAndPacing() throws {
            let mock = try MockUpstream()
            defer { mock.stop() }
            let client = try RawHTTPClient(port: mock.port)
            try client.send(HTTPRequest.chat(stream: true, shaping: [("x-mock-tokens", "4"), ("x-mock-itl-us", "50000")]))
            let head = try client.readHead()
            #expect(head.status == 200)
            #expect(head.value("content-type") == "text/event-stream")
            #expect(head.isChunked)
            let (events, error, _) = readSSE(client)
            #expect(error == nil)
            let data = events.compactMap(\.data)
            #expect(data.count == 6)  // 4 tokens, finish, [DONE]
            #expect(data.last == "[DONE]")
            for payload in data.dropLast() {
                let json = try jsonObject(Array(payload.utf8))
                #expect(json["object"] as? String == "chat.completion.chunk")
                #expect(json["mock_sent_ns"] is NSNumber)
            }
            try #require(events.count >= 5)
            for i in 1..<5 {
                #expect(events[i].arrivalNanos - events[i - 1].arrivalNanos >= 30_000_000)
            }
            // The connection stays usable after a stream.
            try client.send(HTTPRequest.get("/health"))
            #expect(try client.readResponse().status == 200)
        }

        @Test func bytesPatternWithBothFramings() throws {
            let mock = try MockUpstream()
            defer { mock.stop() }
            let client = try RawHTTPClient(port: mock.port)
            for path in ["/bytes?n=1000003", "/bytes?n=1000003&chunked=1&chunk=777"] {
                let verifier = BytePatternVerifier()
                try client.send(HTTPRequest.get(path))
                let response = try client.readResponse(sink: verifier.consume)
                #expect(response.status == 200)
                #expect(verifier.count == 1_000_003)
                #expect(verifier.firstMismatch == nil)
            }
            try client.send(HTTPRequest.make(method: "HEAD", path: "/bytes?n=10"))
            let head = try client.readResponse(method: "HEAD")
            #expect(head.head.contentLength == 10)
            try client.send(HTTPRequest.get("/health"))
            #expect(try client.readResponse().text == "ok")
        }

        @Test func echoHashesContentLengthAndChunkedBodies() throws {
            let mock = try MockUpstream()
            defer { mock.stop() }
            let client = try RawHTTPClient(port: mock.port)
            try client.send(HTTPRequest.make(method: "POST", path: "/echo?a=1", headers: [("X-Case", "Kept")], body: "abc"))
            let plain = try client.readResponse().json()
            #expect(plain["body_sha256"] as? String == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
            #expect(plain["body_len"] as? Int == 3)
            #expect(plain["path"] as? String == "/echo?a=1")
            let headers = try #require(plain["headers"] as? [[String]])
            #expect(headers.contains(["X-Case", "Kept"]))
            try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;ext=1\r\na\r\n2\r\nbc\r\n0\r\nX-Trailer: t\r\n\r\n")
            let chunked = try client.readResponse().json()
            #expect(chunked["body_sha256"] as? String == plain["body_sha256"] as? String)
            try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
            #expect(try client.readResponse().status == 400)
        }

        @Test func pipelinedRequestsAnsweredInOrder() throws {
            let mock = try MockUpstream()
            defer { mock.stop() }
            let client = try RawHTTPClient(port: mock.port)
            try client.send((1...3).map { HTTPRequest.get("/echo?i=\($0)") }.joined())
            for i in 1...3 {
                #expect(try client.readResponse().json()["path"] as? String == "/echo?i=\(i)")
            }
        }

        @Test func expectContinue() throws {
            let mock = try MockUpstream()
            defer { mock.stop() }
            let client = try RawHTTPClient(port: mock.port)
            try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n")
            #expect(try client.readHead().status == 100)
            try client.send("abc")
            #expect(try client.readResponse().json()["body_len"] as? Int == 3)
        }

        @Test func failureModes() throws {
            let mock = try MockUpstream()
            defer { mock.stop() }
            // reset: no byte, then RST.
            let reset = try RawHTTPClient(port: mock.port)
            try reset.send(HTTPRequest.chat(stream: false, shaping: [("x-mock-fail", "reset")]))
            #expect(throws: RawHTTPError.self) { try reset.readResponse() }
            // midstream: head and two events, then close without the terminator.
            let midstream = try RawHTTPClient(port: mock.port)
            try midstream.send(HTTPRequest.chat(stream: true, shaping: [("x-mock-fail", "midstream")]))
            #expect(try midstream.readHead().status == 200)
            let (events, error, _) = readSSE(midstream)
            #expect(events.count == 2)
            #expect((error as? RawHTTPError)?.isConnectionClosed == true)
            // midstream on /bytes: fewer bytes than Content-Length.
            let bytes = try RawHTTPClient(port: mock.port)
            try bytes.send(HTTPRequest.get("/bytes?n=100000", headers: [("x-mock-fail", "midstream")]))
            #expect(throws: RawHTTPError.self) { try bytes.readResponse() }
            // hang: nothing until the client leaves, then recorded as aborted.
            let hang = try RawHTTPClient(port: mock.port, timeoutMs: 300)
            try hang.send(HTTPRequest.chat(stream: false, shaping: [("x-mock-fail", "hang")]))
            #expect(throws: RawHTTPError.self) { try hang.readResponse() }
            hang.close()
            let start = monotonicNanos()
            while try mock.abortedRequests().isEmpty && millisSince(start) < 1000 { sleepMillis(20) }
            #expect(try mock.abortedRequests() == ["POST /v1/chat/completions"])
        }

        @Test func streamAbortIsRecorded() throws {
            let mock = try MockUpstream()
            defer { mock.stop() }
            let client = try RawHTTPClient(port: mock.port)
            try client.send(HTTPRequest.chat(stream: true, shaping: [("x-mock-tokens", "100"), ("x-mock-itl-us", "50000")]))
            _ = try client.readHead()
            _ = readSSE(client) { $0.count >= 2 }
            client.close()
            let start = monotonicNanos()
            while try mock.abortedRequests().isEmpty && millisSince(start) < 1000 { sleepMillis(20) }
            #expect(try mock.abortedRequests() == ["POST /v1/chat/completions"])
        }

        @Test func unixSocketListener() throws {
            let path = "/tmp/ringway-e2e-mock-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
            let mock = try MockUpstream(uds: path)
            defer { mock.stop() }
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }
}
