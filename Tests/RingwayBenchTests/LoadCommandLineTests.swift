import Testing
@testable import RingwayBenchCore

private let commandLine = LoadCommandLine(
    loadFile: { path in
        guard path == "body.json" else { throw TestServerError.call("open", 2) }
        return Array(#"{"stream":true}"#.utf8)
    },
    checkJSON: { bytes in bytes.first == UInt8(ascii: "{") && bytes.last == UInt8(ascii: "}") })

private func parse(_ line: String) throws(UsageError) -> LoadOptions {
    try commandLine.parse(line.split(separator: " ").map(String.init))
}

private let minimal = "--target 127.0.0.1:8080 --rate 0 --connections 4 --duration 5"

@Suite struct LoadCommandLineTests {
    @Test func minimalCommandLineGetsDefaults() throws {
        let options = try parse(minimal)
        #expect(options.host == "127.0.0.1")
        #expect(options.port == 8080)
        #expect(options.path == "/v1/chat/completions")
        #expect(options.body == Array(RequestBuilder.defaultBody.utf8))
        #expect(options.plan.mode == .closedLoop)
        #expect(options.label == "load")
        #expect(options.warmup == 0)
        #expect(!options.plan.busyPoll)
    }

    @Test func everyOptionIsParsed() throws {
        let options = try commandLine.parse([
            "--target", "[::1]:9000", "--path=/v1/completions", "--body-file", "body.json",
            "--header", "Authorization: Bearer x", "--header", "X-Mock-Tokens:64", "--rate", "250.5", "--poisson",
            "--seed", "7", "--connections", "16", "--duration", "2", "--warmup", "0.5", "--timeout", "3",
            "--backlog", "99", "--busy-poll", "--json", "/tmp/out.json", "--label", "ringway",
        ])
        #expect(options.host == "::1")
        #expect(options.target == "[::1]:9000")
        #expect(options.path == "/v1/completions")
        #expect(options.body == Array(#"{"stream":true}"#.utf8))
        #expect(options.headers.map(\.name) == ["Authorization", "X-Mock-Tokens"])
        #expect(options.headers.map(\.value) == ["Bearer x", "64"])
        #expect(options.plan.mode == .openLoop(ratePerSecond: 250.5, poisson: true, seed: 7))
        #expect(options.plan.backlogLimit == 99)
        #expect(options.plan.timeout == 3)
        #expect(options.plan.busyPoll)
        #expect(options.jsonPath == "/tmp/out.json")
        #expect(options.label == "ringway")
    }

    @Test(arguments: [
        ("--rate 0 --connections 4 --duration 5", "missing --target"),
        ("--target 127.0.0.1 --rate 0 --connections 4 --duration 5", "--target: expected HOST:PORT"),
        ("--target 127.0.0.1:0 --rate 0 --connections 4 --duration 5", "--target: port must be 1-65535"),
        ("--target 127.0.0.1:8080 --rate -1 --connections 4 --duration 5", "--rate: expected a number ≥ 0"),
        ("--target 127.0.0.1:8080 --rate x --connections 4 --duration 5", "--rate: expected a number ≥ 0"),
        ("--target 127.0.0.1:8080 --rate 0 --connections 0 --duration 5", "--connections: expected an integer"),
        ("--target 127.0.0.1:8080 --rate 0 --connections 4 --duration 0", "--duration: expected a number > 0"),
        ("\(minimal) --poisson", "--poisson needs an open loop"),
        ("\(minimal) --backlog 5", "--backlog applies to an open loop only"),
        ("\(minimal) --frobnicate", "unknown option '--frobnicate'"),
        ("\(minimal) --label", "--label needs a value"),
        ("\(minimal) --rate 5", "--rate given twice"),
        ("\(minimal) --header NoColon", "--header: expected 'Name: value'"),
        ("\(minimal) --header Content-Length:5", "--header: Content-Length is computed from the body"),
        ("\(minimal) --body-json [1] --body-file body.json", "--body-json and --body-file are mutually exclusive"),
        ("\(minimal) --body-json {oops", "--body-json: not valid JSON"),
        ("\(minimal) --body-file missing.json", "--body-file: cannot read 'missing.json'"),
        ("\(minimal) --path v1", "--path: expected an origin-form target"),
    ])
    func mistakesGetOneClearMessage(line: String, message: String) {
        #expect {
            _ = try parse(line)
        } throws: { error in
            guard let usage = error as? UsageError else { return false }
            return usage.message.hasPrefix(message) && !usage.message.contains("\n")
        }
    }

    @Test func requestBytesAreACompleteHTTP11Request() {
        let request = RequestBuilder.build(
            path: "/v1/chat/completions", hostHeader: "127.0.0.1:8080", headers: [("X-A", "1")], body: Array("{}".utf8))
        let text = String(decoding: request, as: UTF8.self)
        #expect(
            text == "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\nX-A: 1\r\n\r\n{}")
        let overridden = RequestBuilder.build(
            path: "/", hostHeader: "h:1", headers: [("host", "api.example"), ("Content-Type", "text/plain")], body: [])
        #expect(
            String(decoding: overridden, as: UTF8.self)
                == "POST / HTTP/1.1\r\nContent-Length: 0\r\nhost: api.example\r\nContent-Type: text/plain\r\n\r\n")
    }

    @Test func reportTableAndJSONCarryTheFigures() throws {
        var result = LoadResult()
        for value in [100_000, 200_000, 300_000] as [UInt64] { result.latency.record(value) }
        result.completed = 3
        result.sent = 3
        result.scheduled = 4
        result.errors[.backlog] = 1
        result.measuredSeconds = 1.5
        let options = try parse("\(minimal) --label run-a")
        let report = LoadReport(label: "run-a", options: options, result: result)
        let lines = report.table.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("label"))
        #expect(lines[1].hasPrefix("run-a"))
        #expect(lines[1].contains("2.0"))  // req/s
        #expect(lines[1].hasSuffix("backlog=1"))
        #expect(!lines[0].contains("ttft"))
        let json = report.json
        #expect(json.contains(#""label": "run-a""#))
        #expect(json.contains(#""achieved_rps": 2,"#))
        #expect(json.contains(#""backlog": 1,"#))
        #expect(json.contains(#""p99.99": "#))
        #expect(json.contains(#""mean": 200,"#))
        #expect(json.contains(#""p100": 300"#))
        #expect(json.contains(#""ttft_us": {"#))
    }
}

@Suite struct LoadPinTests {
    static let base = ["--target", "127.0.0.1:8080", "--rate", "100", "--connections", "1", "--duration", "1"]

    @Test func cpuListsAreParsedSortedAndUnique() throws {
        #expect(try commandLine.parse(Self.base + ["--pin", "3,0-1,1"]).pinnedCPUs == [0, 1, 3])
        #expect(try commandLine.parse(Self.base).pinnedCPUs.isEmpty)
    }

    @Test(arguments: ["", "a", "2-1", "1,", "-1", "0-2000"])
    func badCPUListsAreRefused(text: String) {
        #expect(throws: UsageError.self) { try commandLine.parse(Self.base + ["--pin", text]) }
    }
}
