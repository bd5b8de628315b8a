import Foundation

/// The `--html` page: one self-contained document (inline CSS and SVG, no script,
/// no external reference), XML-well-formed so any XML parser can check it.
extension OverheadReport {
    static let palette = ["#4c566a", "#d08770", "#5e81ac", "#a3be8c", "#b48ead", "#ebcb8b", "#88c0d0", "#bf616a"]
    static let svgNamespace = "http://www.w3.org/2000/svg"

    func color(_ name: String) -> String {
        let index = result.systems.firstIndex(of: name) ?? 0
        return Self.palette[index % Self.palette.count]
    }

    public var html: String {
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <title>Ringway proxy overhead</title>
            <style>
            body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 960px; color: #222; }
            h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
            table { border-collapse: collapse; margin: 1em 0; }
            th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
            th:first-child, td:first-child { text-align: left; }
            svg { background: #fafafa; border: 1px solid #ddd; }
            svg text { font: 11px system-ui, sans-serif; fill: #333; }
            .grid { stroke: #ddd; stroke-width: 1; }
            .axis { stroke: #555; stroke-width: 1; }
            .cdf { fill: none; stroke-width: 2; }
            .note { color: #666; }
            </style>
            </head>
            <body>
            <h1>Ringway proxy overhead</h1>

            """
        page += "<p class=\"note\">Medians over \(result.rounds.count) round(s). &#8220;Added&#8221; is the proxied"
        page += " figure minus direct at the same percentile in the same round. Latencies in µs.</p>\n"
        page += "<h2>Latency CDF (open loop)</h2>\n" + cdfChart + "\n"
        page += "<h2>Added latency per percentile</h2>\n" + addedLatencyChart + "\n"
        page += "<h2>Saturation throughput (closed loop, 32 connections)</h2>\n" + throughputChart + "\n"
        page += "<h2>All figures</h2>\n" + figuresTable + "\n"
        page += "<h2>Machine and run</h2>\n" + factsTable + "\n"
        page += "</body>\n</html>\n"
        return page
    }

    // MARK: charts

    /// One path per system: x = latency on a log scale, y = percentile.
    var cdfChart: String {
        let width = 760.0, height = 380.0, left = 60.0, right = 150.0, top = 20.0, bottom = 45.0
        let plotted = summary.systems.filter { !$0.cdf.isEmpty }
        let values = plotted.flatMap { $0.cdf.map { max($0.micros, 0.1) } }
        let low = (values.min() ?? 1).log10Floor, high = max((values.max() ?? 1000).log10Ceil, low + 1)
        func x(_ micros: Double) -> Double {
            left + (log10(max(micros, 0.1)) - low) / (high - low) * (width - left - right)
        }
        func y(_ percentile: Double) -> Double { top + (1 - percentile / 100) * (height - top - bottom) }
        var svg = svgOpen(width, height, "Latency CDF per system")
        for decade in Int(low)...Int(high) {
            let px = x(pow10(Double(decade)))
            svg += line(px, top, px, height - bottom, "grid")
            svg += text(px, height - bottom + 16, durationLabel(pow10(Double(decade))), anchor: "middle")
        }
        // 100% sits 3 px above 99%: its grid line is drawn, its label would
        // print over 99%'s.
        for percentile in [0.0, 25, 50, 75, 90, 99, 100] {
            svg += line(left, y(percentile), width - right, y(percentile), "grid")
            if percentile == 100 { continue }
            svg += text(left - 6, y(percentile) + 4, "\(Int(percentile))%", anchor: "end")
        }
        svg += line(left, height - bottom, width - right, height - bottom, "axis")
        svg += line(left, top, left, height - bottom, "axis")
        svg += text((left + width - right) / 2, height - 8, "latency (log scale)", anchor: "middle")
        for (position, system) in plotted.enumerated() {
            let points = system.cdf.enumerated().map { index, point in
                (index == 0 ? "M" : "L") + coordinate(x(point.micros)) + " " + coordinate(y(point.percentile))
            }
            svg += "<path class=\"cdf\" data-system=\"\(escape(system.name))\" stroke=\"\(color(system.name))\""
            svg += " d=\"\(points.joined(separator: " "))\"><title>\(escape(system.name))</title></path>\n"
            let legendY = top + 10 + Double(position) * 18
            svg += line(width - right + 12, legendY, width - right + 32, legendY, nil, stroke: color(system.name))
            svg += text(width - right + 38, legendY + 4, system.name, anchor: "start")
        }
        return svg + "</svg>"
    }

    /// Grouped bars: one group per percentile, one bar per proxied system.
    var addedLatencyChart: String {
        let proxied = summary.systems.filter { $0.name != OverheadResult.baseline }
        let width = 760.0, height = 320.0, left = 60.0, right = 150.0, top = 20.0, bottom = 40.0
        let keys = OverheadSummary.latencyPercentiles.map(\.key)
        let values = proxied.flatMap { system in keys.compactMap { system.addedLatency[$0] } }
        let high = niceCeiling(max(values.max() ?? 0, 0) * 1.1), low = -niceCeiling(max(-(values.min() ?? 0), 0) * 1.1)
        let span = max(high - low, 1)
        func y(_ value: Double) -> Double { top + (high - value) / span * (height - top - bottom) }
        var svg = svgOpen(width, height, "Added latency per percentile")
        for tick in 0...4 {
            let value = low + span * Double(tick) / 4
            svg += line(left, y(value), width - right, y(value), "grid")
            svg += text(left - 6, y(value) + 4, fixed(value, 0) + " µs", anchor: "end")
        }
        svg += line(left, y(0), width - right, y(0), "axis")
        let groupWidth = (width - left - right) / Double(max(keys.count, 1))
        let barWidth = groupWidth * 0.8 / Double(max(proxied.count, 1))
        for (group, key) in keys.enumerated() {
            let groupLeft = left + Double(group) * groupWidth + groupWidth * 0.1
            svg += text(groupLeft + groupWidth * 0.4, height - bottom + 16, key, anchor: "middle")
            for (index, system) in proxied.enumerated() {
                guard let value = system.addedLatency[key] else { continue }
                let x = groupLeft + Double(index) * barWidth
                let barTop = min(y(value), y(0)), barHeight = max(abs(y(value) - y(0)), 0.5)
                svg += "<rect x=\"\(coordinate(x))\" y=\"\(coordinate(barTop))\" width=\"\(coordinate(barWidth * 0.9))\""
                svg += " height=\"\(coordinate(barHeight))\" fill=\"\(color(system.name))\">"
                svg += "<title>\(escape(system.name)) \(key): \(fixed(value, 1)) µs</title></rect>\n"
                svg += text(x + barWidth * 0.45, barTop - 3, fixed(value, 0), anchor: "middle")
            }
        }
        for (position, system) in proxied.enumerated() {
            let legendY = top + 10 + Double(position) * 18
            svg += rect(width - right + 12, legendY - 6, 12, 12, color(system.name))
            svg += text(width - right + 30, legendY + 4, system.name, anchor: "start")
        }
        return svg + "</svg>"
    }

    /// Horizontal bars of the median closed-loop req/s.
    var throughputChart: String {
        let systems = summary.systems
        let rowHeight = 28.0, left = 130.0, right = 90.0, width = 760.0, top = 10.0
        let height = top * 2 + rowHeight * Double(max(systems.count, 1))
        let high = max(systems.map(\.throughput).max() ?? 1, 1)
        var svg = svgOpen(width, height, "Saturation throughput")
        for (index, system) in systems.enumerated() {
            let y = top + Double(index) * rowHeight
            let barWidth = system.throughput / high * (width - left - right)
            svg += text(left - 8, y + rowHeight / 2 + 4, system.name, anchor: "end")
            svg += rect(left, y + 4, max(barWidth, 0.5), rowHeight - 8, color(system.name))
            svg += text(left + barWidth + 6, y + rowHeight / 2 + 4, fixed(system.throughput, 0) + " req/s", anchor: "start")
        }
        return svg + "</svg>"
    }

    // MARK: tables

    var figuresTable: String {
        let columns: [(String, (OverheadSummary.System) -> String)] = [
            ("req/s", { fixed($0.throughput, 0) }),
            ("p50", { format($0.latency["p50"]) }), ("p90", { format($0.latency["p90"]) }),
            ("p99", { format($0.latency["p99"]) }), ("p99.9", { format($0.latency["p99.9"]) }),
            ("added p50", { format($0.addedLatency["p50"]) }), ("added p90", { format($0.addedLatency["p90"]) }),
            ("added p99", { format($0.addedLatency["p99"]) }), ("added p99.9", { format($0.addedLatency["p99.9"]) }),
            ("TTFT p50", { format($0.timeToFirstToken["p50"]) }), ("TTFT p99", { format($0.timeToFirstToken["p99"]) }),
            ("added p50, concurrency 1", { format($0.addedSerialLatency["p50"]) }),
            ("added p99, concurrency 1", { format($0.addedSerialLatency["p99"]) }),
            ("added TTFT p50", { format($0.addedTimeToFirstToken["p50"]) }),
            ("added TTFT p99", { format($0.addedTimeToFirstToken["p99"]) }),
            ("added chunk p50", { format($0.addedChunkDelay["p50"]) }),
            ("added chunk p99", { format($0.addedChunkDelay["p99"]) }),
            ("CPU µs/req", { format($0.cpuMicrosecondsPerRequest, 2) }),
            ("peak RSS MiB", { format($0.peakRSSKiB.map { Double($0) / 1024 }, 1) }),
            ("errors", { String($0.errors) }),
        ]
        var out = "<table>\n<tr><th>system</th>"
        for (title, _) in columns { out += "<th>\(escape(title))</th>" }
        out += "</tr>\n"
        for system in summary.systems {
            out += "<tr><td>\(escape(system.name))</td>"
            for (_, cell) in columns { out += "<td>\(escape(cell(system)))</td>" }
            out += "</tr>\n"
        }
        return out + "</table>"
    }

    var factsTable: String {
        var out = "<table>\n"
        for (key, value) in result.facts + result.settings {
            out += "<tr><th>\(escape(key))</th><td>\(escape(value))</td></tr>\n"
        }
        return out + "</table>"
    }

    // MARK: SVG pieces

    private func svgOpen(_ width: Double, _ height: Double, _ label: String) -> String {
        "<svg xmlns=\"\(Self.svgNamespace)\" width=\"\(Int(width))\" height=\"\(Int(height))\""
            + " viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escape(label))\">\n"
    }

    private func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ cssClass: String?, stroke: String? = nil
    ) -> String {
        var out = "<line x1=\"\(coordinate(x1))\" y1=\"\(coordinate(y1))\" x2=\"\(coordinate(x2))\" y2=\"\(coordinate(y2))\""
        if let cssClass { out += " class=\"\(cssClass)\"" }
        if let stroke { out += " stroke=\"\(stroke)\" stroke-width=\"3\"" }
        return out + "/>\n"
    }

    private func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double, _ fill: String) -> String {
        "<rect x=\"\(coordinate(x))\" y=\"\(coordinate(y))\" width=\"\(coordinate(width))\" height=\"\(coordinate(height))\" fill=\"\(fill)\"/>\n"
    }

    private func text(_ x: Double, _ y: Double, _ content: String, anchor: String) -> String {
        "<text x=\"\(coordinate(x))\" y=\"\(coordinate(y))\" text-anchor=\"\(anchor)\">\(escape(content))</text>\n"
    }

    private func coordinate(_ value: Double) -> String { fixed(value.isFinite ? value : 0, 1) }

    /// `1 µs`, `100 µs`, `1 ms`, `10 s`: a decade's label.
    private func durationLabel(_ micros: Double) -> String {
        if micros >= 1_000_000 { return trimmed(micros / 1_000_000) + " s" }
        if micros >= 1000 { return trimmed(micros / 1000) + " ms" }
        return trimmed(micros) + " µs"
    }

    private func trimmed(_ value: Double) -> String {
        value >= 1 ? String(Int(value.rounded())) : fixed(value, 1)
    }

    /// 1, 2 or 5 times a power of ten, at least `value` (1 for 0).
    private func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 0 }
        let decade = pow10(value.log10Floor)
        for step in [1.0, 2, 5, 10] where step * decade >= value { return step * decade }
        return 10 * decade
    }
}

/// Text or attribute value with XML's five special characters escaped.
func escape(_ text: String) -> String {
    var out = ""
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}

private func log10(_ value: Double) -> Double { Foundation.log10(value) }
private func pow10(_ exponent: Double) -> Double { Foundation.pow(10, exponent) }

extension Double {
    fileprivate var log10Floor: Double { Foundation.floor(Foundation.log10(Swift.max(self, 1e-3))) }
    fileprivate var log10Ceil: Double { Foundation.ceil(Foundation.log10(Swift.max(self, 1e-3))) }
}

