import Foundation
import Testing

/// `count_stream_usage`: the proxy asks for usage on streams whose client did
/// not, counts the tokens, and the client receives the stream it would have
/// had without the proxy.
extension EndToEnd.Metrics {
    /// The body with each chunk's send timestamp removed (the only bytes
    /// that differ between two runs of the same mock request).
    static func withoutTimestamps(_ text: String) -> String {
        text.replacingOccurrences(of: #","mock_sent_ns":[0-9]+"#, with: "", options: .regularExpression)
    }

    static func metric(_ text: String, _ prefix: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func streamsCountTokensTheClientNeverSees() throws {
        let mock = try BenchMock()
        defer { mock.stop() }
        let proxy = try ConfiguredProxy(config: """
            {"admin": {"listen": "127.0.0.1:0"}, "count_stream_usage": true,
             "pools": {"p": {"endpoints": ["\(mock.url)"]}},
             "models": {"small": {"pool": "p"}, "plain": {"pool": "p", "count_stream_usage": false}}}
            """)
        defer { proxy.stop() }
        let tokens = [("x-mock-tokens", "5")]

        // What the upstream itself sends a client that did not ask for usage.
        let direct = try RawHTTPClient(port: mock.port)
        defer { direct.close() }
        try direct.send(chatRequest(model: "small", headers: tokens, stream: true))
        let expected = Self.withoutTimestamps(try direct.readResponse(method: "POST").text)
        #expect(!expected.contains("usage"))

        // Through the proxy, on one keep-alive connection: no stream_options,
        // and include_usage false, both come back exactly as the upstream
        // would have sent them, while the upstream was asked for usage.
        let client = try proxy.connect()
        defer { client.close() }
        for extra in ["", #","stream_options":{"include_usage":false}"#, #","stream_options":null"#] {
            try client.send(chatRequest(model: "small", headers: tokens, stream: true, extra: extra))
            let response = try client.readResponse(method: "POST")
            #expect(response.status == 200)
            #expect(response.head.value("transfer-encoding") == "chunked")
            #expect(Self.withoutTimestamps(response.text) == expected, "options \(extra)")
        }
        let metrics = try proxy.admin("GET", "/metrics").text
        #expect(Self.metric(metrics, #"ringway_prompt_tokens_total{model="small""#) == 27, "\(metrics)")
        #expect(Self.metric(metrics, #"ringway_completion_tokens_total{model="small""#) == 15)

        // A client that asked for usage gets it, untouched.
        try client.send(chatRequest(model: "small", headers: tokens, stream: true,
                                    extra: #","stream_options":{"include_usage":true}"#))
        let asked = try client.readResponse(method: "POST").text
        #expect(asked.contains(#""choices":[],"usage":{"prompt_tokens":9,"completion_tokens":5"#))
        #expect(asked.components(separatedBy: #""usage":null"#).count - 1 == 6, "every other chunk: \(asked)")

        // A model that opts out: nothing injected, nothing counted.
        try client.send(chatRequest(model: "plain", headers: tokens, stream: true))
        let plain = try client.readResponse(method: "POST")
        #expect(Self.withoutTimestamps(plain.text) == expected.replacingOccurrences(of: #""model":"small""#,
                                                                                     with: #""model":"plain""#))
        let after = try proxy.admin("GET", "/metrics").text
        #expect(Self.metric(after, #"ringway_prompt_tokens_total{model="plain""#) == nil, "\(after)")
        // Non-streamed answers always carry usage: nothing to ask for.
        try client.send(chatRequest(model: "small", headers: tokens))
        let json = try client.readResponse(method: "POST")
        #expect(json.status == 200 && json.text.contains(#""usage":{"prompt_tokens":9"#))
    }

    @Test func aStreamReplacedInsideThePreCommitWindowIsStillStripped() throws {
        let flaky = try BenchMock(), steady = try BenchMock()
        defer { flaky.stop(); steady.stop() }
        let proxy = try ConfiguredProxy(config: """
            {"admin": {"listen": "127.0.0.1:0"}, "count_stream_usage": true,
             "pools": {"flaky": {"endpoints": ["\(flaky.url)"], "headers": {"x-mock-fail": "midstream"}},
                       "steady": {"endpoints": ["\(steady.url)"]}},
             "models": {"m": {"pool": "flaky", "fallbacks": ["backup"]}, "backup": {"pool": "steady"}},
             "retry": {"max_attempts": 2, "backoff_ms": 0, "pre_commit_ms": 2000, "pre_commit_events": 50}}
            """)
        defer { proxy.stop() }
        let client = try proxy.connect()
        defer { client.close() }
        for _ in 0..<2 {
            try client.send(chatRequest(model: "m", headers: [("x-mock-tokens", "4")], stream: true))
            let response = try client.readResponse(method: "POST")
            #expect(response.status == 200)
            #expect(routeFields(response)["model"] == "backup")
            let text = Self.withoutTimestamps(response.text)
            #expect(text.hasSuffix("data: [DONE]\n\n"), "\(text)")
            #expect(!text.contains("usage") && !text.contains("\"error\""), "\(text)")
            #expect(text.components(separatedBy: "\n\n").count - 1 == 6, "4 tokens, finish, [DONE]: \(text)")
        }
        let metrics = try proxy.admin("GET", "/metrics").text
        #expect(Self.metric(metrics, #"ringway_completion_tokens_total{model="backup""#) == 8, "\(metrics)")
    }

    @Test func aCloseDelimitedStreamIsStrippedToo() throws {
        let mock = try BenchMock()
        defer { mock.stop() }
        let proxy = try ConfiguredProxy(config: """
            {"count_stream_usage": true, "pools": {"p": {"endpoints": ["\(mock.url)"]}}, "models": {"small": {"pool": "p"}}}
            """)
        defer { proxy.stop() }
        let shape = [("x-mock-tokens", "3"), ("x-mock-close-delimited", "1")]
        let direct = try RawHTTPClient(port: mock.port)
        defer { direct.close() }
        try direct.send(chatRequest(model: "small", headers: shape, stream: true))
        let head = try direct.readHead()
        #expect(head.value("transfer-encoding") == nil && head.value("content-length") == nil)
        let expected = Self.withoutTimestamps(String(decoding: direct.readUntilClose(timeoutMs: 3_000).bytes, as: UTF8.self))
        #expect(expected.hasSuffix("data: [DONE]\n\n") && !expected.contains("usage"), "\(expected)")

        let client = try proxy.connect()
        defer { client.close() }
        try client.send(chatRequest(model: "small", headers: shape, stream: true))
        #expect(try client.readHead().status == 200)
        let relayed = client.readUntilClose(timeoutMs: 3_000)
        #expect(relayed.closed)
        #expect(Self.withoutTimestamps(String(decoding: relayed.bytes, as: UTF8.self)) == expected)
    }

    @Test func anUpstreamThatDiesMidStreamStillEndsWithAnErrorEvent() throws {
        let mock = try BenchMock()
        defer { mock.stop() }
        let proxy = try ConfiguredProxy(config: """
            {"count_stream_usage": true, "pools": {"p": {"endpoints": ["\(mock.url)"]}}, "models": {"small": {"pool": "p"}}}
            """)
        defer { proxy.stop() }
        let client = try proxy.connect()
        defer { client.close() }
        try client.send(chatRequest(model: "small", headers: [("x-mock-tokens", "6"), ("x-mock-fail", "midstream")],
                                    stream: true))
        let head = try client.readHead()
        #expect(head.status == 200)
        var body: [UInt8] = []
        var clean = false
        while true {
            do {
                guard let chunk = try client.nextChunk() else {
                    clean = true
                    break
                }
                body += chunk.bytes
            } catch {
                break
            }
        }
        let text = String(decoding: body, as: UTF8.self)
        #expect(!clean, "a cut stream must not end with the chunked terminator")
        #expect(text.contains(#"data: {"error":"#), "\(text)")
        #expect(!text.contains("usage"), "\(text)")
    }
}
