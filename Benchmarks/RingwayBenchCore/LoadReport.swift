/// Renders a `LoadResult` as the one-row table people read and the JSON scripts read.
public struct LoadReport: Sendable {
    public var label: String
    public var options: LoadOptions
    public var result: LoadResult

    public init(label: String, options: LoadOptions, result: LoadResult) {
        self.label = label
        self.options = options
        self.result = result
    }

    /// Quantiles written to JSON, as (key, percentile).
    public static let jsonQuantiles: [(String, Double)] = [
        ("p50", 50), ("p75", 75), ("p90", 90), ("p95", 95), ("p99", 99), ("p99.9", 99.9),
        ("p99.99", 99.99), ("p100", 100),
    ]

    // MARK: table

    /// Header and one row; latencies in µs. TTFT columns appear when responses streamed,
    /// the chunk-delay column when SSE events carried `mock_sent_ns`.
    public var table: String {
        let latency = result.latency
        var columns: [(String, String)] = [
            ("label", label),
            ("req/s", fixed(result.achievedRate, 1)),
            ("ok", String(result.completed)),
            ("p50", micros(latency.percentile(50), of: latency)),
            ("p90", micros(latency.percentile(90), of: latency)),
            ("p99", micros(latency.percentile(99), of: latency)),
            ("p99.9", micros(latency.percentile(99.9), of: latency)),
            ("max", micros(latency.max, of: latency)),
        ]
        if !result.timeToFirstByte.isEmpty {
            let ttft = result.timeToFirstByte
            columns.append(("ttft50", micros(ttft.percentile(50), of: ttft)))
            columns.append(("ttft99", micros(ttft.percentile(99), of: ttft)))
        }
        if !result.chunkDelay.isEmpty {
            columns.append(("chunk99", micros(result.chunkDelay.percentile(99), of: result.chunkDelay)))
        }
        if options.rate > 0 {
            // How late the generator sent: if this is large, the client is the bottleneck.
            columns.append(("lag99", micros(result.sendLag.percentile(99), of: result.sendLag)))
        }
        columns.append(("errors", result.errors.summary))

        var header = ""
        var row = ""
        for (position, (title, value)) in columns.enumerated() {
            let width = max(title.count, value.count)
            if position == 0 {
                header += title.padding(to: width)
                row += value.padding(to: width)
            } else if position == columns.count - 1 {
                header += "  " + title
                row += "  " + value
            } else {
                header += "  " + title.leftPadding(to: width)
                row += "  " + value.leftPadding(to: width)
            }
        }
        return header + "  (latency µs)\n" + row + "\n"
    }

    private func micros(_ nanoseconds: UInt64, of histogram: LatencyHistogram) -> String {
        histogram.isEmpty ? "-" : fixed(Double(nanoseconds) / 1000, 1)
    }

    // MARK: JSON

    /// Every figure of the run as one JSON object (latencies in µs, keys in a stable order).
    public var json: String {
        var fields: [(String, String)] = [
            ("label", quoted(label)),
            ("target", quoted(options.target)),
            ("path", quoted(options.path)),
            ("mode", quoted(options.rate > 0 ? "open-loop" : "closed-loop")),
            ("rate_target", options.rate > 0 ? number(options.rate) : "null"),
            ("poisson", options.poisson ? "true" : "false"),
            ("seed", String(options.seed)),
            ("connections", String(options.connections)),
            ("duration_s", number(options.duration)),
            ("warmup_s", number(options.warmup)),
            ("busy_poll", options.busyPoll ? "true" : "false"),
            ("pinned_cpus", "[" + options.pinnedCPUs.map(String.init).joined(separator: ",") + "]"),
            ("achieved_rps", number((result.achievedRate * 1000).rounded() / 1000)),
            ("scheduled", String(result.scheduled)),
            ("sent", String(result.sent)),
            ("completed", String(result.completed)),
            ("measured_s", number((result.measuredSeconds * 1e6).rounded() / 1e6)),
            ("wall_s", number((result.wallSeconds * 1e6).rounded() / 1e6)),
        ]
        var errors = LoadErrorKind.allCases.map { (String(describing: $0), String(result.errors[$0])) }
        errors.append(("total", String(result.errors.total)))
        fields.append(("errors", object(errors, indent: "    ")))
        fields.append(("latency_us", histogramJSON(result.latency)))
        fields.append(("ttft_us", histogramJSON(result.timeToFirstByte)))
        fields.append(("chunk_delay_us", histogramJSON(result.chunkDelay)))
        fields.append(("send_lag_us", histogramJSON(result.sendLag)))
        return object(fields, indent: "  ") + "\n"
    }

    private func histogramJSON(_ histogram: LatencyHistogram) -> String {
        var fields: [(String, String)] = [
            ("count", String(histogram.count)),
            ("mean", number((histogram.mean).rounded() / 1000)),
            ("min", number(Double(histogram.isEmpty ? 0 : histogram.min) / 1000)),
        ]
        for (key, percentile) in Self.jsonQuantiles {
            fields.append((key, number(Double(histogram.percentile(percentile)) / 1000)))
        }
        return object(fields, indent: "    ")
    }

    private func object(_ fields: [(String, String)], indent: String) -> String {
        let closing = String(indent.dropLast(2))
        let body = fields.map { "\(indent)\(quoted($0.0)): \($0.1)" }.joined(separator: ",\n")
        return "{\n\(body)\n\(closing)}"
    }

    private func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    private func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// `value` with exactly `digits` decimals (no Foundation formatter needed).
func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int64((value * scale).rounded())
    let whole = scaled / Int64(scale)
    let fraction = abs(scaled % Int64(scale))
    guard digits > 0 else { return String(whole) }
    let fractionText = String(fraction)
    let sign = scaled < 0 && whole == 0 ? "-" : ""
    return sign + String(whole) + "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    fileprivate func leftPadding(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
