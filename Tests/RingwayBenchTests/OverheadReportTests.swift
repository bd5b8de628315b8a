import Foundation
import Testing
@testable import RingwayBenchCore

@Suite struct OverheadReportTests {
    /// A histogram holding `count` values spread evenly over [low, high] µs.
    static func histogram(_ low: Double, _ high: Double, count: Int = 1000) -> LatencyHistogram {
        var histogram = LatencyHistogram()
        for index in 0..<count {
            let micros = low + (high - low) * Double(index) / Double(count - 1)
            histogram.record(UInt64(micros * 1000))
        }
        return histogram
    }

    static func measurement(_ low: Double, _ high: Double, throughput: Double, cpu: Double?) -> OverheadMeasurement {
        var m = OverheadMeasurement()
        m.latency = histogram(low, high)
        m.serialLatency = histogram(low / 4, high / 4)
        m.timeToFirstToken = histogram(low * 2, high * 2)
        m.chunkDelay = histogram(low / 2, high / 2)
        m.throughput = throughput
        m.cpuMicrosecondsPerRequest = cpu
        m.peakRSSKiB = cpu == nil ? nil : 20_480
        return m
    }

    /// Three rounds: direct, ringway (+100 µs flat in rounds 1–2, +300 in round 3) and
    /// a proxy whose name needs escaping.
    static let synthetic: OverheadResult = {
        var rounds: [[String: OverheadMeasurement]] = []
        for (round, shift) in [100.0, 100, 300].enumerated() {
            let base = 50.0 + Double(round) * 10
            rounds.append([
                "direct": measurement(base, base + 1000, throughput: 90_000, cpu: nil),
                "ringway": measurement(base + shift, base + shift + 1000, throughput: 80_000 + Double(round) * 1000, cpu: 11),
                "n<g>&x": measurement(base + 200, base + 1200, throughput: 60_000, cpu: 16.5),
            ])
        }
        return OverheadResult(
            systems: ["direct", "ringway", "n<g>&x"], rounds: rounds,
            facts: [("kernel", "6.18.0"), ("cpu", "Test CPU @ 2 GHz"), ("command", "ringway-bench overhead --rounds 3")],
            settings: [("rate_rps", "1000")])
    }()

    @Test func medianOfOddAndEvenCounts() {
        #expect(median([]) == nil)
        #expect(median([3]) == 3)
        #expect(median([5, 1, 3]) == 3)
        #expect(median([4, 1, 3, 2]) == 2.5)
        #expect(median([-10, 20]) == 5)
    }

    @Test func addedLatencyIsMedianOfPerRoundDifferences() throws {
        let summary = OverheadSummary(Self.synthetic)
        let ringway = try #require(summary.system("ringway"))
        // Per-round differences 100, 100, 300 (± bucket rounding): the median is ~100, not the mean 167.
        for key in ["p50", "p90", "p99", "p99.9"] {
            let added = try #require(ringway.addedLatency[key])
            #expect(abs(added - 100) < 8, "\(key): \(added)")
        }
        #expect(try abs(#require(ringway.addedTimeToFirstToken["p50"]) - 200) < 10)
        #expect(try abs(#require(ringway.addedSerialLatency["p50"]) - 25) < 3)
        #expect(Set(ringway.addedSerialLatency.keys) == ["p50", "p99"])
        #expect(try abs(#require(ringway.addedChunkDelay["p99"]) - 50) < 5)
        #expect(ringway.throughput == 81_000)
        #expect(ringway.cpuMicrosecondsPerRequest == 11)
        #expect(ringway.peakRSSKiB == 20_480)
        let direct = try #require(summary.system("direct"))
        #expect(direct.addedLatency.isEmpty)
        #expect(direct.cpuMicrosecondsPerRequest == nil)
        #expect(direct.cdf.count == OverheadSummary.cdfPercentiles.count)
        #expect(zip(direct.cdf, direct.cdf.dropFirst()).allSatisfy { $0.micros <= $1.micros })
    }

    @Test func jsonIsValidAndHoldsAddedLatency() throws {
        let report = OverheadReport(Self.synthetic)
        let object = try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any]
        let summary = try #require(object?["summary"] as? [String: Any])
        let ringway = try #require(summary["ringway"] as? [String: Any])
        let added = try #require(ringway["added_latency_us"] as? [String: Double])
        #expect(Set(added.keys) == ["p50", "p90", "p99", "p99.9"])
        #expect(abs(try #require(added["p50"]) - 100) < 8)
        #expect((object?["rounds"] as? [Any])?.count == 3)
        let machine = try #require(object?["machine"] as? [String: String])
        #expect(machine["kernel"] == "6.18.0")
        #expect(object?["systems"] as? [String] == ["direct", "ringway", "n<g>&x"])
    }

    @Test func htmlIsWellFormedAndSelfContained() throws {
        let html = OverheadReport(Self.synthetic).html
        try checkTags(html)
        // The only URL is the SVG namespace.
        let withoutNamespace = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!withoutNamespace.contains("http://"))
        #expect(!withoutNamespace.contains("https://"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("n<g>&x"))
        #expect(html.contains("n&lt;g&gt;&amp;x"))
        // One CDF path per system.
        #expect(html.components(separatedBy: "<path class=\"cdf\"").count - 1 == 3)
        for name in ["direct", "ringway", "n&lt;g&gt;&amp;x"] {
            #expect(html.contains("class=\"cdf\" data-system=\"\(name)\""))
        }
        #expect(html.components(separatedBy: "<svg ").count - 1 == 3)
        #expect(html.contains("Test CPU @ 2 GHz"))
    }

    @Test func tagCheckerRejectsBrokenMarkup() {
        #expect(throws: TagError.self) { try checkTags("<svg><g></svg>") }
        #expect(throws: TagError.self) { try checkTags("<svg><line x1=\"1\"></svg>") }
        #expect(throws: TagError.self) { try checkTags("<p>a < b</p>") }
        #expect(throws: TagError.self) { try checkTags("<p>AT&T</p>") }
        #expect(throws: Never.self) { try checkTags("<!DOCTYPE html><p a=\"x>y\">&amp;<br/></p>") }
    }

    @Test func commandLineDefaultsAndProxies() throws {
        let defaults = try OverheadCommandLine.parse([])
        #expect(defaults.rate == 1000 && defaults.duration == 5 && defaults.warmup == 1 && defaults.rounds == 3)
        #expect(defaults.connections == 64 && defaults.pinProxy == "0" && defaults.pinLoad == "1")
        let options = try OverheadCommandLine.parse([
            "--proxy", "nginx=nginx -c /x.conf -g 'daemon off;' # {port} {upstream_port}", "--proxy-addr", "ext=127.0.0.1:8080",
            "--rate", "500", "--rounds", "1", "--pin-proxy", "0-1", "--seed", "7", "--html", "/tmp/x.html",
        ])
        #expect(options.systemNames == ["direct", "ringway", "nginx", "ext"])
        #expect(options.proxyAddresses.first?.port == 8080)
        #expect(options.seed == 7 && options.rate == 500 && options.htmlPath == "/tmp/x.html")
        #expect(throws: UsageError.self) { try OverheadCommandLine.parse(["--proxy", "ringway=x {port}"]) }
        #expect(throws: UsageError.self) { try OverheadCommandLine.parse(["--proxy", "x=no-port"]) }
        #expect(throws: UsageError.self) { try OverheadCommandLine.parse(["--rate", "0"]) }
        #expect(throws: UsageError.self) { try OverheadCommandLine.parse(["--pin-load", "one"]) }
    }
}

struct TagError: Error, CustomStringConvertible {
    var description: String
}

/// A small XML-ish well-formedness check: every element closed in order (or
/// self-closed), attributes quoted, no bare `<` or `&` in text. `<!...>` is skipped.
func checkTags(_ document: String) throws {
    let characters = Array(document.unicodeScalars)
    var stack: [String] = []
    var index = 0
    func fail(_ message: String) throws -> Never { throw TagError(description: "\(message) at offset \(index)") }
    while index < characters.count {
        let character = characters[index]
        if character == "&" {
            var end = index + 1
            while end < characters.count, end - index < 10, characters[end] != ";" { end += 1 }
            let entity = String(String.UnicodeScalarView(characters[(index + 1)..<min(end, characters.count)]))
            guard end < characters.count, characters[end] == ";",
                ["amp", "lt", "gt", "quot", "#39"].contains(entity) || entity.hasPrefix("#")
            else { try fail("bare &") }
            index = end + 1
            continue
        }
        guard character == "<" else {
            if character == ">" { try fail("bare >") }
            index += 1
            continue
        }
        index += 1
        guard index < characters.count else { try fail("unterminated tag") }
        if characters[index] == "!" {
            while index < characters.count, characters[index] != ">" { index += 1 }
            index += 1
            continue
        }
        let closing = characters[index] == "/"
        if closing { index += 1 }
        var name = ""
        while index < characters.count, characters[index].properties.isAlphabetic || ("0"..."9").contains(characters[index])
            || characters[index] == "-"
        {
            name.unicodeScalars.append(characters[index])
            index += 1
        }
        if name.isEmpty { try fail("'<' without a tag name") }
        var selfClosing = false
        while true {
            guard index < characters.count else { try fail("unterminated <\(name)") }
            let c = characters[index]
            if c == "\"" || c == "'" {
                index += 1
                while index < characters.count, characters[index] != c {
                    if characters[index] == "<" { try fail("'<' in an attribute") }
                    index += 1
                }
                index += 1
            } else if c == ">" {
                index += 1
                break
            } else if c == "/" && index + 1 < characters.count && characters[index + 1] == ">" {
                selfClosing = true
                index += 2
                break
            } else if c == "<" {
                try fail("'<' inside <\(name)>")
            } else {
                index += 1
            }
        }
        if closing {
            guard stack.last == name else { try fail("</\(name)> closes <\(stack.last ?? "nothing")>") }
            stack.removeLast()
        } else if !selfClosing {
            stack.append(name)
        }
    }
    if !stack.isEmpty { throw TagError(description: "unclosed: \(stack.joined(separator: " "))") }
}
