/// Renders merged shards as Prometheus text exposition format 0.0.4.
///
/// Every family always gets its `# HELP` and `# TYPE` lines; series whose
/// value is zero (counters) or that saw no observation (histograms) are
/// left out, so a layout of many models × endpoints × codes renders only
/// what traffic touched. Gauges are written even at zero, except in
/// reserved slots (`pool="none"`).
public enum PrometheusExposition {
    /// The `Content-Type` of the response to a scrape.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func render(layout: MetricsLayout, shards: [MetricsShard], gauges: ScrapeGauges) -> String {
        let bytes = renderBytes(MetricsSnapshot(layout: layout, shards: shards), gauges: gauges)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The exposition as bytes, ready to be the body of the scrape response.
    public static func renderBytes(_ snapshot: MetricsSnapshot, gauges: ScrapeGauges) -> [UInt8] {
        var out = ExpositionBuffer(reservingCapacity: 16384)
        for family in MetricFamily.allCases {
            writeFamily(family, snapshot, &out)
        }
        writeScrapeGauges(snapshot.layout, gauges, &out)
        return out.bytes
    }

    private static func writeHeader(_ name: String, _ help: String, _ kind: MetricKind, _ out: inout ExpositionBuffer) {
        out.append("# HELP ")
        out.append(name)
        out.append(byte: UInt8(ascii: " "))
        out.appendEscapedHelp(help)
        out.append("\n# TYPE ")
        out.append(name)
        out.append(byte: UInt8(ascii: " "))
        out.append(kind.rawValue)
        out.append(byte: UInt8(ascii: "\n"))
    }

    private static func writeFamily(_ family: MetricFamily, _ snapshot: MetricsSnapshot, _ out: inout ExpositionBuffer) {
        let layout = snapshot.layout
        writeHeader(family.name, family.help, family.kind, &out)
        let dimensions = family.dimensions
        let fragments = dimensions.map { layout.labels.bytes($0) }
        let sizes = dimensions.map { layout.size(of: $0) }
        var digits = Array(repeating: 0, count: dimensions.count)
        let base = layout.base(family)
        let name = Array(family.name.utf8)

        snapshot.cells.withUnsafeBufferPointer { cells in
            for series in 0..<layout.seriesCount(family) {
                defer { increment(&digits, sizes) }
                switch family.kind {
                case .counter:
                    let value = cells[base + series]
                    guard value != 0 else { continue }
                    writeSample(name, suffix: "", fragments, digits, extra: nil, &out)
                    writeValue(value, family.scale, &out)
                case .gauge:
                    // Zero is news for a configured pool, noise for `none`.
                    let reserved = zip(dimensions, digits).contains { layout.isReserved($0, $1) }
                    guard cells[base + series] != 0 || !reserved else { continue }
                    writeSample(name, suffix: "", fragments, digits, extra: nil, &out)
                    writeValue(cells[base + series], family.scale, &out)
                case .histogram:
                    let first = base + series * LatencyBuckets.cellsPerSeries
                    var count: UInt64 = 0
                    for b in 0..<LatencyBuckets.count { count &+= cells[first + b] }
                    guard count != 0 else { continue }
                    var cumulative: UInt64 = 0
                    for b in 0..<LatencyBuckets.count {
                        cumulative &+= cells[first + b]
                        writeSample(name, suffix: "_bucket", fragments, digits, extra: b, &out)
                        out.append(cumulative)
                        out.append(byte: UInt8(ascii: "\n"))
                    }
                    writeSample(name, suffix: "_sum", fragments, digits, extra: nil, &out)
                    out.append(cells[first + LatencyBuckets.count], decimals: 9)
                    out.append(byte: UInt8(ascii: "\n"))
                    writeSample(name, suffix: "_count", fragments, digits, extra: nil, &out)
                    out.append(count)
                    out.append(byte: UInt8(ascii: "\n"))
                }
            }
        }
    }

    /// `name_suffix{labels,le="…"} ` — the value follows.
    private static func writeSample(
        _ name: [UInt8], suffix: StaticString, _ fragments: [[[UInt8]]], _ digits: [Int], extra bucket: Int?,
        _ out: inout ExpositionBuffer
    ) {
        out.append(name)
        out.append(suffix)
        if !fragments.isEmpty || bucket != nil {
            out.append(byte: UInt8(ascii: "{"))
            for d in 0..<fragments.count {
                if d > 0 { out.append(byte: UInt8(ascii: ",")) }
                out.append(fragments[d][digits[d]])
            }
            if let bucket {
                out.append(fragments.isEmpty ? "le=\"" : ",le=\"")
                out.append(LatencyBuckets.upperBoundLabels[bucket])
                out.append(byte: UInt8(ascii: "\""))
            }
            out.append(byte: UInt8(ascii: "}"))
        }
        out.append(byte: UInt8(ascii: " "))
    }

    private static func writeValue(_ cell: UInt64, _ scale: CellScale, _ out: inout ExpositionBuffer) {
        switch scale {
        case .integer: out.append(cell)
        case .signed: out.append(signed: Int64(bitPattern: cell))
        case .micros: out.append(cell, decimals: 6)
        }
        out.append(byte: UInt8(ascii: "\n"))
    }

    /// Advances mixed-radix label indices, last dimension fastest, in step
    /// with the series index.
    private static func increment(_ digits: inout [Int], _ sizes: [Int]) {
        var d = digits.count - 1
        while d >= 0 {
            digits[d] += 1
            if digits[d] < sizes[d] { return }
            digits[d] = 0
            d -= 1
        }
    }

    private static func writeScrapeGauges(_ layout: MetricsLayout, _ gauges: ScrapeGauges, _ out: inout ExpositionBuffer) {
        let endpoints = layout.labels.bytes(.endpoint)
        writeHeader("ringway_endpoint_healthy", "1 when health checks pass for the endpoint, else 0.", .gauge, &out)
        for (e, healthy) in gauges.endpointHealthy.prefix(endpoints.count).enumerated() {
            out.append("ringway_endpoint_healthy{")
            out.append(endpoints[e])
            out.append(healthy ? "} 1\n" : "} 0\n")
        }
        writeHeader("ringway_breaker_open", "1 while the endpoint's circuit breaker refuses traffic, else 0.", .gauge, &out)
        for (e, open) in gauges.breakerOpen.prefix(endpoints.count).enumerated() {
            out.append("ringway_breaker_open{")
            out.append(endpoints[e])
            out.append(open ? "} 1\n" : "} 0\n")
        }
        writeHeader("ringway_config_version", "Version of the configuration in force; changes on every reload.", .gauge, &out)
        out.append("ringway_config_version ")
        out.append(gauges.configVersion)
        out.append(byte: UInt8(ascii: "\n"))
        writeHeader(
            "ringway_config_load_timestamp_seconds", "Unix time the configuration in force was loaded.", .gauge, &out)
        if gauges.configLoadedAtUnixNanoseconds != 0 {
            out.append("ringway_config_load_timestamp_seconds ")
            out.append(gauges.configLoadedAtUnixNanoseconds, decimals: 9)
            out.append(byte: UInt8(ascii: "\n"))
        }
    }
}
