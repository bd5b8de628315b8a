import Foundation
import Glibc
import Testing
@testable import RingwayMockUpstream

/// Starts a mock in this process on an ephemeral loopback port, runs `body`,
/// stops it (only the mock this test started).
func withMock<T>(_ configure: (inout MockSettings) -> Void = { _ in }, _ body: (MockUpstreamServer) throws -> T) throws -> T {
    var settings = MockSettings()
    settings.receiveBuffers = 64
    configure(&settings)
    let server = try MockUpstreamServer.start(settings)
    defer { server.stop() }
    return try body(server)
}

@Suite struct MockServerTests {
    @Test func readinessLineNamesTheBoundPort() throws {
        try withMock { server in
            #expect(server.port != 0)
            #expect(server.readinessLine == "mock listening on 127.0.0.1:\(server.port)")
        }
    }

    @Test func nonStreamingChatCompletion() throws {
        try withMock { server in
            let client = try LoopbackClient(port: server.port)
            for seq in 1...2 {
                try client.send(Request.chat(stream: false, headers: [("x-mock-tokens", "3")]))
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.head.value("content-type") == "application/json")
                #expect(response.head.value("x-mock-seq") == "\(seq)")
                #expect(response.head.value("x-mock-conn") != nil)
                #expect(response.head.value("server") == "mock-upstream")
                let json = try response.json()
                #expect(json["object"] as? String == "chat.completion")
                #expect(json["model"] as? String == "test-model")
                let choices = try #require(json["choices"] as? [[String: Any]])
                let message = try #require(choices.first?["message"] as? [String: Any])
                #expect(message["role"] as? String == "assistant")
                #expect(message["content"] as? String == "tok0 tok1 tok2 ")
                #expect(choices.first?["finish_reason"] as? String == "stop")
                let usage = try #require(json["usage"] as? [String: Any])
                #expect(usage["completion_tokens"] as? Int == 3)
                #expect(usage["total_tokens"] as? Int == 12)
            }
        }
    }

    @Test func streamShapeWithUsage() throws {
        try withMock { server in
            let client = try LoopbackClient(port: server.port)
            try client.send(Request.chat(stream: true, includeUsage: true, headers: [("x-mock-tokens", "4")]))
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.head.value("content-type") == "text/event-stream")
            #expect(response.head.isChunked)
            let data = try sseData(response.body)
            #expect(data.count == 7)  // 4 tokens, finish, usage, [DONE]
            #expect(data.last == "[DONE]")
            // Every event is its own chunk (its own send).
            #expect(response.chunks.count == 7)
            var content = ""
            for (i, payload) in data.dropLast().enumerated() {
                let json = try jsonObject(payload)
                #expect(json["object"] as? String == "chat.completion.chunk")
                #expect(json["id"] as? String == "chatcmpl-mock")
                #expect(json["model"] as? String == "test-model")
                #expect((json["mock_sent_ns"] as? NSNumber)?.uint64Value ?? 0 > 1_600_000_000_000_000_000)
                let choices = try #require(json["choices"] as? [[String: Any]])
                if i == 5 {
                    #expect(choices.isEmpty)
                    let usage = try #require(json["usage"] as? [String: Any])
                    #expect(usage["completion_tokens"] as? Int == 4)
                    continue
                }
                #expect(json["usage"] is NSNull)
                let delta = try #require(choices.first?["delta"] as? [String: Any])
                content += delta["content"] as? String ?? ""
                if i == 0 { #expect(delta["role"] as? String == "assistant") }
                if i == 4 {
                    #expect(choices.first?["finish_reason"] as? String == "stop")
                    #expect(delta.isEmpty)
                } else {
                    #expect(choices.first?["finish_reason"] is NSNull)
                }
            }
            #expect(content == "tok0 tok1 tok2 tok3 ")
            // The connection stays usable after a stream.
            try client.send(Request.make("GET", "/health"))
            #expect(try client.readResponse().text == "ok")
        }
    }

    @Test func streamWithoutUsageHasNoUsageChunk() throws {
        try withMock { server in
            let client = try LoopbackClient(port: server.port)
            try client.send(Request.chat(stream: true, headers: [("x-mock-tokens", "2")]))
            let data = try sseData(try client.readResponse().body)
            #expect(data.count == 4)  // 2 tokens, finish, [DONE]
            // As OpenAI: without include_usage, chunks have no usage member.
            for payload in data.dropLast() { #expect(try jsonObject(payload)["usage"] == nil) }
        }
    }

    @Test func pacingFollowsInterTokenLatency() throws {
        try withMock { server in
            let client = try LoopbackClient(port: server.port)
            try client.send(Request.chat(stream: true, headers: [("x-mock-tokens", "4"), ("x-mock-itl-us", "50000")]))
            let response = try client.readResponse()
            #expect(response.chunks.count == 6)
            for i in 1..<5 {
                let gap = response.chunks[i].arrivalNanos - response.chunks[i - 1].arrivalNanos
                #expect(gap >= 40_000_000, "gap \(i) was \(gap / 1_000_000) ms")
            }
        }
    }

    @Test func timeToFirstTokenDelaysTheAnswer() throws {
        try withMock { server in
            let client = try LoopbackClient(port: server.port)
            let start = DispatchTime.now().uptimeNanoseconds
            try client.send(Request.chat(stream: false, headers: [("x-mock-ttft-us", "100000")]))
            #expect(try client.readResponse().status == 200)
            #expect(DispatchTime.now().uptimeNanoseconds - start >= 90_000_000)
        }
    }

    @Test func processDefaultsApply() throws {
        try withMock({ $0.tokens = 2; $0.model = "default-model" }) { server in
            let client = try LoopbackClient(port: server.port)
            try client.send(Request.make("POST", "/v1/chat/completions", body: #"{"messages":[]}"#))
            let json = try client.readResponse().json()
            #expect(json["model"] as? String == "default-model")
            let usage = try #require(json["usage"] as? [String: Any])
            #expect(usage["completion_tokens"] as? Int == 2)
        }
    }

    @Test func mockStatusAnswersWithErrorJSON() throws {
        try withMock { server in
            let client = try LoopbackClient(port: server.port)
            try client.send(Request.chat(stream: true, headers: [("x-mock-status", "503")]))
            let response = try client.readResponse()
            #expect(response.status == 503)
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(error["message"] as? String == "mock status 503")
            #expect(error["code"] as? String == "503")
            #expect(error["type"] as? String == "mock_error")
            try client.send(Request.make("GET", "/health"))
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func midstreamEndsWithoutTerminator() throws {
        try withMock { server in
            let client = try LoopbackClient(port: server.port)
            try client.send(Request.chat(stream: true, headers: [("x-mock-fail", "midstream")]))
            #expect(try client.readHead().status == 200)
            #expect(try client.readChunk() != nil)
            #expect(try client.readChunk() != nil)
            #expect(throws: LoopbackClient.Failure.self) { _ = try client.readChunk() }
        }
    }

    @Test func resetSendsRST() throws {
        try withMock { server in
            let client = try LoopbackClient(port: server.port)
            try client.send(Request.chat(stream: false, headers: [("x-mock-fail", "reset")]))
            let failure = client.readUntilClosed()
            #expect(failure?.code == ECONNRESET)
        }
    }

    @Test func hangIsRecordedAsAbortedWhenTheClientLeaves() throws {
        try withMock { server in
            do {
                let client = try LoopbackClient(port: server.port, timeoutMs: 200)
                try client.send(Request.chat(stream: false, headers: [("x-mock-fail", "hang")]))
                #expect(client.readUntilClosed()?.code == EAGAIN)
            }
            var aborted: [String] = []
            for _ in 0..<50 {
                let control = try LoopbackClient(port: server.port)
                try control.send(Request.make("GET", "/__aborted"))
                aborted = try control.readResponse().json()["requests"] as? [String] ?? []
                if !aborted.isEmpty { break }
                usleep(20_000)
            }
            #expect(aborted == ["POST /v1/chat/completions"])
        }
    }

    @Test func slotsAndQueueShowInMetrics() throws {
        try withMock({ $0.slots = 1; $0.ttftMicroseconds = 600_000 }) { server in
            let first = try LoopbackClient(port: server.port)
            let second = try LoopbackClient(port: server.port)
            try first.send(Request.chat(stream: false))
            try second.send(Request.chat(stream: false))
            var gauges: [String: Double] = [:]
            for _ in 0..<50 {
                gauges = try scrape(server.port)
                if gauges["vllm:num_requests_waiting"] == 1 { break }
                usleep(10_000)
            }
            #expect(gauges["vllm:num_requests_running"] == 1)
            #expect(gauges["vllm:num_requests_waiting"] == 1)
            #expect(gauges["vllm:kv_cache_usage_perc"] == 1)
            let start = DispatchTime.now().uptimeNanoseconds
            #expect(try first.readResponse().status == 200)
            #expect(try second.readResponse().status == 200)
            // The second waited for the first's slot, then its own TTFT.
            #expect(DispatchTime.now().uptimeNanoseconds - start >= 900_000_000)
            gauges = try scrape(server.port)
            #expect(gauges["vllm:num_requests_running"] == 0)
            #expect(gauges["vllm:num_requests_waiting"] == 0)
        }
    }

    @Test func beyondTheQueueRequestsAreRefused() throws {
        try withMock({ $0.slots = 1; $0.queue = 0; $0.overloadStatus = 503 }) { server in
            let first = try LoopbackClient(port: server.port)
            try first.send(Request.chat(stream: true, headers: [("x-mock-ttft-us", "300000")]))
            #expect(try first.readHead().status == 200)
            let second = try LoopbackClient(port: server.port)
            try second.send(Request.chat(stream: true))
            let refused = try second.readResponse()
            #expect(refused.status == 503)
            let error = try #require(try refused.json()["error"] as? [String: Any])
            #expect(error["type"] as? String == "service_unavailable_error")
            #expect(try scrape(server.port)["mock_rejected_total"] == 1)
        }
    }

    @Test func clientLeavingFreesItsSlot() throws {
        try withMock({ $0.slots = 1 }) { server in
            do {
                let client = try LoopbackClient(port: server.port)
                try client.send(Request.chat(stream: true, headers: [("x-mock-tokens", "100"), ("x-mock-itl-us", "20000")]))
                #expect(try client.readHead().status == 200)
                _ = try client.readChunk()
            }
            var running = -1.0
            for _ in 0..<50 {
                running = try scrape(server.port)["vllm:num_requests_running"] ?? -1
                if running == 0 { break }
                usleep(10_000)
            }
            #expect(running == 0)
            let client = try LoopbackClient(port: server.port)
            try client.send(Request.chat(stream: false))
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func pipelinedRequestsAnsweredInOrder() throws {
        try withMock { server in
            let client = try LoopbackClient(port: server.port)
            var batch = ""
            for i in 1...3 { batch += Request.chat(stream: false, model: "m\(i)") }
            batch += Request.chat(stream: true, model: "m4", headers: [("x-mock-tokens", "1")])
            batch += Request.make("GET", "/health")
            try client.send(batch)
            for i in 1...3 {
                let response = try client.readResponse()
                #expect(try response.json()["model"] as? String == "m\(i)")
                #expect(response.head.value("x-mock-seq") == "\(i)")
            }
            #expect(try sseData(try client.readResponse().body).count == 3)
            #expect(try client.readResponse().text == "ok")
        }
    }

    @Test func pipelinedRequestBehindDelayedResponses() throws {
        try withMock { server in
            let client = try LoopbackClient(port: server.port)
            try client.send(Request.chat(stream: false, model: "slow", headers: [("x-mock-ttft-us", "30000")])
                + Request.chat(stream: true, model: "paced", headers: [("x-mock-tokens", "2"), ("x-mock-itl-us", "10000")])
                + Request.make("GET", "/health"))
            #expect(try client.readResponse().json()["model"] as? String == "slow")
            #expect(try sseData(try client.readResponse().body).count == 4)
            let last = try client.readResponse()
            #expect(last.text == "ok")
            #expect(last.head.value("x-mock-seq") == "3")
        }
    }

    @Test func chunkedAndLargeBodiesAreReadAndScanned() throws {
        try withMock { server in
            let client = try LoopbackClient(port: server.port)
            // A chunked body split inside the "stream" key.
            let body = #"{"model":"chunky","stream":true,"messages":[]}"#.utf8.map { $0 }
            var request = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nx-mock-tokens: 1\r\n\r\n"
            request += String(format: "%x\r\n", 12) + String(decoding: body[0..<12], as: UTF8.self) + "\r\n"
            request += String(format: "%x\r\n", body.count - 12) + String(decoding: body[12...], as: UTF8.self) + "\r\n0\r\n\r\n"
            try client.send(request)
            let data = try sseData(try client.readResponse().body)
            #expect(try jsonObject(data[0])["model"] as? String == "chunky")
            // 3 MB of prompt, sent in pieces: read and discarded; fields after it are missed
            // only beyond the 64 KiB scan window, so put them first.
            let big = #"{"model":"big","messages":[{"role":"user","content":""# + String(repeating: "x", count: 3_000_000) + #""}]}"#
            try client.send(Request.make("POST", "/v1/chat/completions", body: big))
            let json = try client.readResponse().json()
            #expect(json["model"] as? String == "big")
            try client.send(Request.make("GET", "/health"))
            #expect(try client.readResponse().text == "ok")
        }
    }

    @Test func headSpanningPackets() throws {
        try withMock { server in
            let client = try LoopbackClient(port: server.port)
            let request = Array(Request.chat(stream: false, model: "split").utf8)
            for piece in [request[0..<7], request[7..<40], request[40..<(request.count - 3)], request[(request.count - 3)...]] {
                try client.send(Array(piece))
                usleep(5_000)
            }
            #expect(try client.readResponse().json()["model"] as? String == "split")
        }
    }

    @Test func completionsEmbeddingsAndModels() throws {
        try withMock { server in
            let client = try LoopbackClient(port: server.port)
            try client.send(Request.make("POST", "/v1/completions", headers: [("x-mock-tokens", "2")],
                                         body: #"{"model":"c","prompt":"hi"}"#))
            let completion = try client.readResponse().json()
            #expect(completion["object"] as? String == "text_completion")
            #expect((completion["choices"] as? [[String: Any]])?.first?["text"] as? String == "tok0 tok1 ")

            try client.send(Request.make("POST", "/v1/completions", headers: [("x-mock-tokens", "2")],
                                         body: #"{"model":"c","prompt":"hi","stream":true}"#))
            let events = try sseData(try client.readResponse().body)
            #expect(events.count == 4)
            #expect(try jsonObject(events[0])["object"] as? String == "text_completion")

            try client.send(Request.make("POST", "/v1/embeddings", body: #"{"model":"e","input":"hi"}"#))
            let embeddings = try client.readResponse().json()
            let first = try #require((embeddings["data"] as? [[String: Any]])?.first)
            #expect((first["embedding"] as? [Double])?.count == MockEmbedding.dimensions)

            try client.send(Request.make("POST", "/v1/embeddings", body: #"{"model":"e","input":"hi","encoding_format":"base64"}"#))
            let encoded = try client.readResponse().json()
            let text = try #require((encoded["data"] as? [[String: Any]])?.first?["embedding"] as? String)
            #expect(Data(base64Encoded: text)?.count == MockEmbedding.dimensions * 4)

            try client.send(Request.make("GET", "/v1/models"))
            let models = try client.readResponse().json()
            #expect((models["data"] as? [[String: Any]])?.first?["id"] as? String == "mock-model")

            try client.send(Request.make("GET", "/nowhere"))
            #expect(try client.readResponse().status == 404)
        }
    }

    @Test func fixtureControlEndpointsEchoAndBytes() throws {
        try withMock { server in
            let client = try LoopbackClient(port: server.port)
            try client.send(Request.make("POST", "/echo?a=1", headers: [("X-Case", "Kept")], body: "abc"))
            let echo = try client.readResponse().json()
            #expect(echo["body_sha256"] as? String == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
            #expect(echo["path"] as? String == "/echo?a=1")
            #expect((echo["headers"] as? [[String]])?.contains(["X-Case", "Kept"]) == true)

            try client.send(Request.make("GET", "/bytes?n=100003&chunked=1&chunk=777"))
            let bytes = try client.readResponse()
            #expect(bytes.body.count == 100_003)
            #expect(bytes.body.enumerated().allSatisfy { $0.element == UInt8($0.offset % 251) })

            try client.send(Request.make("GET", "/__requests"))
            let seen = try JSONSerialization.jsonObject(with: Data(try client.readResponse().body)) as? [String]
            #expect(seen == ["POST /echo?a=1", "GET /bytes?n=100003&chunked=1&chunk=777"])
            try client.send(Request.make("DELETE", "/__requests"))
            #expect(try client.readResponse().text == "[]")
        }
    }

    @Test func unixSocketServesTheSameEndpoints() throws {
        let path = "/tmp/ringway-mock-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        try withMock({ $0.unixPath = path }) { _ in
            let client = try LoopbackClient(unixPath: path)
            try client.send(Request.chat(stream: false))
            #expect(try client.readResponse().status == 200)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func connectionCloseIsHonoured() throws {
        try withMock { server in
            let client = try LoopbackClient(port: server.port)
            try client.send(Request.make("GET", "/health", headers: [("Connection", "close")]))
            let response = try client.readResponse()
            #expect(response.head.value("connection") == "close")
            #expect(client.readUntilClosed()?.code == 0)
        }
    }

    @Test func malformedRequestGets400AndClose() throws {
        try withMock { server in
            let client = try LoopbackClient(port: server.port)
            try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
            #expect(try client.readResponse().status == 400)
            let bad = try LoopbackClient(port: server.port)
            try bad.send("GET / HTTP/1.1\nHost: x\n\n")
            #expect(try bad.readResponse().status == 400)
        }
    }
}

/// The unlabelled-or-model-labelled samples of `/metrics`, by name.
func scrape(_ port: UInt16) throws -> [String: Double] {
    let client = try LoopbackClient(port: port)
    try client.send(Request.make("GET", "/metrics"))
    var out: [String: Double] = [:]
    for line in try client.readResponse().text.split(separator: "\n") where !line.hasPrefix("#") {
        let parts = line.split(separator: " ")
        guard parts.count == 2, let value = Double(parts[1]) else { continue }
        let name = parts[0].split(separator: "{")[0]
        out[String(name)] = value
    }
    return out
}
