import Foundation
import Testing
@testable import RingwayObserve

/// Validates a populated exposition with Prometheus' own linter, when it is
/// installed (Debian package `prometheus`; `tools/` installs it for CI).
@Suite struct PromtoolTests {
    static let promtool: String? = ["/usr/bin/promtool", "/usr/local/bin/promtool", "/bin/promtool"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: promtool != nil, "promtool not installed (apt-get install prometheus): exposition not linted"))
    func promtoolAcceptsTheExposition() throws {
        let layout = try Fixtures.layout()
        let shards = (0..<2).map { _ in MetricsShard(layout: layout) }
        for (w, shard) in shards.enumerated() {
            for code in [200, 201, 302, 400, 401, 404, 408, 413, 429, 499, 500, 502, 503, 504, 418, 0] {
                shard.requestFinished(
                    model: w, pool: w, endpoint: w == 0 ? 1 : -1, statusCode: code, totalNs: 2 * Fixtures.s,
                    overheadNs: 9 * Fixtures.µs, upstreamTTFBNs: 80 * Fixtures.ms, key: w - 1, bytesIn: 512,
                    bytesOut: 4096)
            }
            shard.tokens(model: w, key: 0, prompt: 1000, completion: 200, costMicroUSD: 1_500)
            shard.streamTiming(model: w, ttftNs: 300 * Fixtures.ms)
            shard.observeInterToken(model: w, ns: 15 * Fixtures.ms)
            shard.retry(pool: w)
            shard.fallback(model: w)
            shard.admissionRejected(pool: w, priority: -1)
            shard.activeConnectionsDelta(5)
            shard.queueDepth(pool: 0, value: 2)
        }
        let text = PrometheusExposition.render(
            layout: layout, shards: shards,
            gauges: ScrapeGauges(endpointHealthy: [true, true, false], breakerOpen: [false, false, true],
                                 configVersion: 3, configLoadedAtUnixNanoseconds: 1_760_000_000_123_456_789))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.promtool!)
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "promtool check metrics: \(report)\n--- exposition ---\n\(text)")
        #expect(report.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool lint: \(report)")
    }
}
