import Foundation

/// The text `ringway top` shows for two consecutive snapshots.
enum TopView {
    static func render(now: TopSnapshot, before: TopSnapshot, options: TopCommand.Options) -> String {
        let seconds = max(now.takenAt - before.takenAt, 0.001)
        let m = now.metrics, p = before.metrics
        func rate(_ name: String, _ filter: [String: String] = [:]) -> Double {
            max(0, m.total(name, where: filter) - p.total(name, where: filter)) / seconds
        }
        func percentiles(_ name: String, _ filter: [String: String] = [:]) -> String {
            let a = m.buckets(name, where: filter), b = p.buckets(name, where: filter)
            guard let p50 = quantile(0.5, now: a, before: b), let p99 = quantile(0.99, now: a, before: b) else {
                return "-"
            }
            return "p50 \(duration(p50))  p99 \(duration(p99))"
        }
        var out = "ringway top — \(options.host):\(options.port)  config v\(now.state["config_version"] as? Int ?? 0)"
        out += "  workers \(now.state["workers"] as? Int ?? 0)"
        out += "  clients \(now.state["open_client_connections"] as? Int ?? 0)\n"
        out += "requests/s \(fixed(rate("ringway_requests_total"), 1))"
        out += "   errors/s \(fixed(errorRate(m, p, seconds), 1))"
        out += "   retries/s \(fixed(rate("ringway_retries_total"), 1))\n"
        out += "overhead   \(percentiles("ringway_proxy_overhead_seconds"))\n"
        out += "TTFT       \(percentiles("ringway_time_to_first_token_seconds"))\n"
        out += "latency    \(percentiles("ringway_request_duration_seconds"))\n\n"

        let models = Set(m.series.filter { $0.name == "ringway_requests_total" }.compactMap { $0.labels["model"] })
            .filter { $0 != "none" }.sorted()
        if !models.isEmpty {
            out += pad("model", 28) + pad("req/s", 10) + pad("tokens/s", 10) + "TTFT\n"
            for model in models {
                let tokens = rate("ringway_completion_tokens_total", ["model": model])
                out += pad(model, 28) + pad(fixed(rate("ringway_requests_total", ["model": model]), 1), 10)
                    + pad(fixed(tokens, 1), 10) + percentiles("ringway_time_to_first_token_seconds", ["model": model]) + "\n"
            }
            out += "\n"
        }
        out += pad("pool / endpoint", 44) + pad("health", 10) + pad("breaker", 11) + pad("in flight", 10) + "EWMA\n"
        for pool in now.state["pools"] as? [[String: Any]] ?? [] {
            let name = pool["name"] as? String ?? "?"
            var line = pad(name, 44) + pad("", 10) + pad("", 11)
            if let queued = pool["queued"] as? Int, queued > 0 { line += "queued \(queued)" }
            out += line + "\n"
            for e in pool["endpoints"] as? [[String: Any]] ?? [] {
                out += pad("  " + (e["url"] as? String ?? "?"), 44)
                    + pad((e["healthy"] as? Bool ?? true) ? "healthy" : "DOWN", 10)
                    + pad(e["breaker"] as? String ?? "-", 11) + pad("\(e["outstanding"] as? Int ?? 0)", 10)
                    + duration((e["ewma_latency_ms"] as? Double ?? 0) / 1000) + "\n"
            }
        }
        return out
    }

    static func errorRate(_ m: PrometheusSample, _ p: PrometheusSample, _ seconds: Double) -> Double {
        var errors = 0.0
        for code in ["5xx", "500", "502", "503", "504"] {
            errors += m.total("ringway_requests_total", where: ["code": code]) - p.total("ringway_requests_total", where: ["code": code])
        }
        return max(0, errors) / seconds
    }

    static func duration(_ seconds: Double) -> String {
        if seconds <= 0 { return "-" }
        if seconds < 0.001 { return "\(Int((seconds * 1e6).rounded())) µs" }
        if seconds < 1 { return "\(fixed(seconds * 1000, 1)) ms" }
        return "\(fixed(seconds, 2)) s"
    }

    static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
