import Foundation

/// Renders an `OverheadResult` as the terminal table, the JSON document and the HTML page.
public struct OverheadReport: Sendable {
    public var result: OverheadResult
    public var summary: OverheadSummary

    public init(_ result: OverheadResult) {
        self.result = result
        summary = OverheadSummary(result)
    }

    // MARK: table

    /// One row per system; latencies in µs, "+" figures are added over direct.
    public var table: String {
        let header = [
            "system", "req/s", "p50", "p99", "+p50", "+p90", "+p99", "+p99.9", "+c1 p50", "+c1 p99", "+ttft50",
            "+ttft99", "+chunk50",
            "+chunk99", "cpu µs/req", "rss MiB", "req/s@p99≤bound", "streams", "errors",
        ]
        var rows = [header]
        for system in summary.systems {
            rows.append([
                system.name, format(system.throughput, 0), format(system.latency["p50"]), format(system.latency["p99"]),
                format(system.addedLatency["p50"]), format(system.addedLatency["p90"]),
                format(system.addedLatency["p99"]), format(system.addedLatency["p99.9"]),
                format(system.addedSerialLatency["p50"]), format(system.addedSerialLatency["p99"]),
                format(system.addedTimeToFirstToken["p50"]), format(system.addedTimeToFirstToken["p99"]),
                format(system.addedChunkDelay["p50"]), format(system.addedChunkDelay["p99"]),
                format(system.cpuMicrosecondsPerRequest, 2), format(system.peakRSSKiB.map { Double($0) / 1024 }, 1),
                format(system.rateUnderP99Bound, 0), system.streamsWithoutStall.map(String.init) ?? "-",
                String(system.errors),
            ])
        }
        var widths = [Int](repeating: 0, count: header.count)
        for row in rows { for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) } }
        var out = ""
        for row in rows {
            var line = ""
            for (column, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                line += column == 0 ? cell + pad : "  " + pad + cell
            }
            out += line + "\n"
        }
        return out + "(latency µs; medians over \(result.rounds.count) round(s); + = added over direct in the same round;"
            + " c1 = one connection, one request at a time)\n"
    }

    // MARK: JSON

    /// All figures, per round and summarized, with the machine facts.
    public var jsonObject: [String: Any] {
        func numbers(_ dictionary: [String: Double]) -> [String: Any] { dictionary.mapValues { rounded($0) } }
        func histogram(_ h: LatencyHistogram) -> [String: Any] {
            var out: [String: Any] = ["count": Int(h.count)]
            for (key, p) in LoadReport.jsonQuantiles where !h.isEmpty { out[key] = Double(h.percentile(p)) / 1000 }
            return out
        }
        func optional(_ value: Double?) -> Any { value.map { rounded($0) as Any } ?? NSNull() }
        var systems: [String: Any] = [:]
        for s in summary.systems {
            systems[s.name] = [
                "latency_us": numbers(s.latency), "added_latency_us": numbers(s.addedLatency),
                "concurrency1_latency_us": numbers(s.serialLatency),
                "added_concurrency1_latency_us": numbers(s.addedSerialLatency),
                "ttft_us": numbers(s.timeToFirstToken), "added_ttft_us": numbers(s.addedTimeToFirstToken),
                "chunk_delay_us": numbers(s.chunkDelay), "added_chunk_delay_us": numbers(s.addedChunkDelay),
                "throughput_rps": rounded(s.throughput), "cpu_us_per_request": optional(s.cpuMicrosecondsPerRequest),
                "peak_rss_kib": s.peakRSSKiB.map { Int($0) as Any } ?? NSNull(), "errors": s.errors,
                "cdf": s.cdf.map { ["percentile": $0.percentile, "us": $0.micros] },
                "rate_under_p99_bound_rps": optional(s.rateUnderP99Bound),
                "streams_without_stall": s.streamsWithoutStall.map { $0 as Any } ?? NSNull(),
            ] as [String: Any]
        }
        let rounds: [[String: Any]] = result.rounds.map { round in
            var out: [String: Any] = [:]
            for (name, m) in round {
                out[name] = [
                    "latency_us": histogram(m.latency), "concurrency1_latency_us": histogram(m.serialLatency),
                    "ttft_us": histogram(m.timeToFirstToken),
                    "chunk_delay_us": histogram(m.chunkDelay), "throughput_rps": rounded(m.throughput),
                    "cpu_us_per_request": optional(m.cpuMicrosecondsPerRequest),
                    "peak_rss_kib": m.peakRSSKiB.map { Int($0) as Any } ?? NSNull(), "errors": m.errors,
                    "rate_under_p99_bound_rps": optional(m.rateUnderP99Bound),
                    "streams_without_stall": m.streamsWithoutStall.map { $0 as Any } ?? NSNull(),
                ] as [String: Any]
            }
            return out
        }
        var machine: [String: Any] = [:]
        for fact in result.facts { machine[fact.key] = fact.value }
        var settings: [String: Any] = [:]
        for setting in result.settings { settings[setting.key] = setting.value }
        return [
            "systems": result.systems, "summary": systems, "rounds": rounds, "machine": machine, "settings": settings,
        ]
    }

    public var json: String {
        let data = try? JSONSerialization.data(withJSONObject: jsonObject, options: [.prettyPrinted, .sortedKeys])
        return (data.flatMap { String(data: $0, encoding: .utf8) } ?? "{}") + "\n"
    }

    private func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}

/// `value` with `digits` decimals, "-" for nil.
func format(_ value: Double?, _ digits: Int = 1) -> String {
    guard let value, value.isFinite else { return "-" }
    return fixed(value, digits)
}
