import Foundation
import Testing

/// Upstreams that refuse, reset, hang, die mid-body, or are all busy.
extension EndToEnd {
    @Suite struct ProxyUpstreamFailures {
        @Test func refusedUpstreamIs502() throws {
            let proxy = try RingwayProxy(upstream: "http://127.0.0.1:\(try unusedLoopbackPort())")
            defer { proxy.stop() }
            let client = try proxy.connect()
            try client.send(HTTPRequest.chat(stream: false))
            let response = try client.readResponse()
            #expect(response.status == 502)
            #expect(openAIErrorProblem(response) == nil, "\(openAIErrorProblem(response) ?? "")")
        }

        @Test func resetBeforeAnyByteIs502() throws {
            let bed = try Testbed()
            defer { bed.stop() }
            let client = try bed.proxy.connect()
            try client.send(HTTPRequest.chat(stream: false, shaping: [("x-mock-fail", "reset")]))
            let response = try client.readResponse()
            #expect(response.status == 502)
            #expect(openAIErrorProblem(response) == nil, "\(openAIErrorProblem(response) ?? "")")
        }

        @Test func hangingUpstreamIs504AfterFirstByteTimeout() throws {
            let bed = try Testbed(flags: ["--first-byte-timeout-ms", "300"])
            defer { bed.stop() }
            let client = try bed.proxy.connect()
            let start = monotonicNanos()
            try client.send(HTTPRequest.chat(stream: false, shaping: [("x-mock-fail", "hang")]))
            let response = try client.readResponse()
            #expect(response.status == 504)
            #expect(openAIErrorProblem(response) == nil, "\(openAIErrorProblem(response) ?? "")")
            #expect(millisSince(start) < 3_000, "504 took \(millisSince(start)) ms")
        }

        @Test func streamDyingMidwayEndsWithErrorEventAndTruncation() throws {
            let bed = try Testbed()
            defer { bed.stop() }
            let client = try bed.proxy.connect()
            try client.send(HTTPRequest.chat(stream: true, shaping: [("x-mock-fail", "midstream")]))
            #expect(try client.readHead().status == 200)
            let (events, error, raw) = readSSE(client)
            #expect((error as? RawHTTPError)?.isConnectionClosed == true,
                    "the client must see a truncated chunked body, got \(String(describing: error))")
            let data = events.compactMap(\.data)
            try #require(data.count >= 3, "expected 2 token events and an error event, got \(raw)")
            #expect(data[0].contains("tok0") && data[1].contains("tok1"))
            #expect(ProxyStreaming.isErrorEvent(data[2]), "third event should be the error: \(data[2])")
            #expect(data.count == 3, "nothing may follow the error event: \(raw)")
        }

        @Test func fixedLengthBodyDyingMidwayClosesTheClient() throws {
            let bed = try Testbed()
            defer { bed.stop() }
            let client = try bed.proxy.connect()
            try client.send(HTTPRequest.get("/bytes?n=1000000", headers: [("x-mock-fail", "midstream")]))
            let head = try client.readHead()
            #expect(head.status == 200)
            #expect(head.contentLength == 1_000_000 || head.isChunked)
            var received = 0
            #expect {
                _ = try client.readBody(of: head) { received += $0.count }
            } throws: { ($0 as? RawHTTPError)?.isConnectionClosed == true }
            #expect(received < 1_000_000)
        }

        @Test func fullPoolAnswers503Promptly() throws {
            let bed = try Testbed(flags: ["--pool-max-per-worker", "1"])
            defer { bed.stop() }
            let holder = try bed.proxy.connect()
            try holder.send(HTTPRequest.chat(stream: false, shaping: [("x-mock-fail", "hang")]))
            let held = try eventually(timeoutMs: 2_000) { try !bed.mock.requestsSeen().isEmpty }
            try #require(held, "the hanging request never reached the upstream")
            let client = try bed.proxy.connect()
            let start = monotonicNanos()
            try client.send(HTTPRequest.chat(stream: false))
            let response = try client.readResponse()
            #expect(response.status == 503)
            #expect(openAIErrorProblem(response) == nil, "\(openAIErrorProblem(response) ?? "")")
            #expect(millisSince(start) < 1_000, "503 took \(millisSince(start)) ms")
        }
    }
}
