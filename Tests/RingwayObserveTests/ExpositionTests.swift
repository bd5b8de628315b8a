import Testing
@testable import RingwayObserve

@Suite struct ExpositionTests {
    typealias F = Fixtures

    @Test func knownObservationsGiveExactLines() throws {
        let layout = try F.layout()
        let shard = MetricsShard(layout: layout)
        shard.requestFinished(
            model: 0, pool: 0, endpoint: 1, statusCode: 200, totalNs: 1_500 * F.µs, overheadNs: 12 * F.µs,
            upstreamTTFBNs: 1 * F.ms, key: 0, bytesIn: 100, bytesOut: 2000)
        shard.tokens(model: 0, key: 0, prompt: 30, completion: 7, costMicroUSD: 1_234_567)
        shard.streamTiming(model: 0, ttftNs: 250 * F.ms)
        shard.observeInterToken(model: 0, ns: 20 * F.ms)
        shard.retry(pool: 0)
        shard.fallback(model: 1)
        shard.admissionRejected(pool: 1, priority: 1)
        shard.activeConnectionsDelta(+1)
        shard.queueDepth(pool: 0, value: 3)

        let text = PrometheusExposition.render(
            layout: layout, shards: [shard],
            gauges: ScrapeGauges(endpointHealthy: [true, false, true], breakerOpen: [false, true, false],
                                 configVersion: 7, configLoadedAtUnixNanoseconds: 1_700_000_000_250_000_000))
        let lines = F.lines(text)
        let expected = [
            #"ringway_requests_total{model="llama",pool="gpu",endpoint="gpu-1",code="2xx"} 1"#,
            #"ringway_key_requests_total{key="team-a",code="2xx"} 1"#,
            #"ringway_request_duration_seconds_bucket{model="llama",pool="gpu",le="0.001"} 0"#,
            #"ringway_request_duration_seconds_bucket{model="llama",pool="gpu",le="0.0025"} 1"#,
            #"ringway_request_duration_seconds_bucket{model="llama",pool="gpu",le="+Inf"} 1"#,
            #"ringway_request_duration_seconds_sum{model="llama",pool="gpu"} 0.0015"#,
            #"ringway_request_duration_seconds_count{model="llama",pool="gpu"} 1"#,
            #"ringway_proxy_overhead_seconds_bucket{pool="gpu",le="0.00001"} 0"#,
            #"ringway_proxy_overhead_seconds_bucket{pool="gpu",le="0.000025"} 1"#,
            #"ringway_proxy_overhead_seconds_sum{pool="gpu"} 0.000012"#,
            #"ringway_upstream_ttfb_seconds_bucket{pool="gpu",endpoint="gpu-1",le="0.0005"} 0"#,
            #"ringway_upstream_ttfb_seconds_bucket{pool="gpu",endpoint="gpu-1",le="0.001"} 1"#,
            #"ringway_upstream_ttfb_seconds_count{pool="gpu",endpoint="gpu-1"} 1"#,
            #"ringway_time_to_first_token_seconds_bucket{model="llama",le="0.25"} 1"#,
            #"ringway_time_to_first_token_seconds_sum{model="llama"} 0.25"#,
            #"ringway_inter_token_latency_seconds_bucket{model="llama",le="0.01"} 0"#,
            #"ringway_inter_token_latency_seconds_bucket{model="llama",le="0.025"} 1"#,
            #"ringway_prompt_tokens_total{model="llama",key="team-a"} 30"#,
            #"ringway_completion_tokens_total{model="llama",key="team-a"} 7"#,
            #"ringway_cost_usd_total{model="llama",key="team-a"} 1.234567"#,
            #"ringway_request_bytes_total{pool="gpu"} 100"#,
            #"ringway_response_bytes_total{pool="gpu"} 2000"#,
            #"ringway_retries_total{pool="gpu"} 1"#,
            #"ringway_fallbacks_total{model="qwen"} 1"#,
            #"ringway_admission_rejected_total{pool="api",priority="batch"} 1"#,
            #"ringway_active_connections 1"#,
            #"ringway_queue_depth{pool="gpu"} 3"#,
            #"ringway_queue_depth{pool="api"} 0"#,
            #"ringway_endpoint_healthy{pool="gpu",endpoint="gpu-0"} 1"#,
            #"ringway_endpoint_healthy{pool="gpu",endpoint="gpu-1"} 0"#,
            #"ringway_breaker_open{pool="gpu",endpoint="gpu-1"} 1"#,
            #"ringway_config_version 7"#,
            #"ringway_config_load_timestamp_seconds 1700000000.25"#,
        ]
        for line in expected {
            #expect(lines.contains(line), "missing: \(line)")
        }
        // Untouched series stay out; the families do not.
        #expect(!text.contains(#"model="qwen",pool="gpu",endpoint"#))
        #expect(!text.contains("ringway_upstream_ttfb_seconds_bucket{pool=\"gpu\",endpoint=\"gpu-0\""))
        #expect(text.hasSuffix("\n"))
    }

    @Test func everyFamilyHasHelpAndTypeEvenWhenEmpty() throws {
        let layout = try F.layout()
        let text = PrometheusExposition.render(layout: layout, shards: [MetricsShard(layout: layout)], gauges: ScrapeGauges())
        let lines = F.lines(text)
        for family in MetricFamily.allCases {
            #expect(lines.contains { $0.hasPrefix("# HELP \(family.name) ") })
            #expect(lines.contains("# TYPE \(family.name) \(family.kind.rawValue)"))
        }
        for name in ["ringway_endpoint_healthy", "ringway_breaker_open", "ringway_config_version",
                     "ringway_config_load_timestamp_seconds"] {
            #expect(lines.contains("# TYPE \(name) gauge"))
        }
        // Nothing observed: no counter or histogram samples, gauges only.
        let samples = lines.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        #expect(samples == [
            "ringway_active_connections 0",
            #"ringway_queue_depth{pool="gpu"} 0"#,
            #"ringway_queue_depth{pool="api"} 0"#,
            "ringway_config_version 0",
        ])
    }

    @Test func histogramBlockIsCumulativeAndComplete() throws {
        let layout = try F.layout()
        let shard = MetricsShard(layout: layout)
        for ns in [5 * F.µs, 10 * F.µs, 10 * F.µs + 1, 2 * F.s, 400 * F.s] {
            shard.requestFinished(model: 1, pool: 1, endpoint: 2, statusCode: 200, totalNs: ns, overheadNs: 0,
                                  upstreamTTFBNs: nil, key: 0, bytesIn: 0, bytesOut: 0)
        }
        let text = PrometheusExposition.render(layout: layout, shards: [shard], gauges: ScrapeGauges())
        let block = F.lines(text).filter { $0.hasPrefix(#"ringway_request_duration_seconds_"#) }
        let cumulative: [UInt64] = [2] + Array(repeating: 3, count: 15) + Array(repeating: 4, count: 7) + [5]
        var expected = zip(LatencyBuckets.upperBoundLabels, cumulative).map { le, n in
            #"ringway_request_duration_seconds_bucket{model="qwen",pool="api",le="\#(le)"} \#(n)"#
        }
        expected.append(#"ringway_request_duration_seconds_sum{model="qwen",pool="api"} 402.000025001"#)
        expected.append(#"ringway_request_duration_seconds_count{model="qwen",pool="api"} 5"#)
        #expect(block == expected)
        // No TTFB given: no upstream series.
        #expect(!text.contains("ringway_upstream_ttfb_seconds_count"))
    }

    @Test func requestsWithoutRouteLandInReservedSlots() throws {
        let layout = try F.layout()
        let shard = MetricsShard(layout: layout)
        // Refused before routing (bad key), then queued in a pool but timed out.
        shard.requestFinished(model: -1, pool: -1, endpoint: -1, statusCode: 401, totalNs: 50 * F.µs,
                              overheadNs: 50 * F.µs, upstreamTTFBNs: 9 * F.ms, key: -1, bytesIn: 10, bytesOut: 20)
        shard.requestFinished(model: 1, pool: 0, endpoint: -1, statusCode: 503, totalNs: 5 * F.s,
                              overheadNs: 5 * F.s, upstreamTTFBNs: nil, key: 0, bytesIn: 10, bytesOut: 20)
        // Stale indices (a layout with fewer names) are filed as none, never out of bounds.
        shard.requestFinished(model: 99, pool: 42, endpoint: 7, statusCode: 418, totalNs: 1, overheadNs: 1,
                              upstreamTTFBNs: 1, key: 5, bytesIn: 1, bytesOut: 1)
        shard.tokens(model: 2, key: 1, prompt: 1, completion: 1, costMicroUSD: 1)
        let lines = F.lines(PrometheusExposition.render(layout: layout, shards: [shard], gauges: ScrapeGauges()))
        for line in [
            #"ringway_requests_total{model="none",pool="none",endpoint="none",code="401"} 1"#,
            #"ringway_requests_total{model="qwen",pool="gpu",endpoint="none",code="503"} 1"#,
            #"ringway_requests_total{model="none",pool="none",endpoint="none",code="4xx"} 1"#,
            #"ringway_key_requests_total{key="anonymous",code="401"} 1"#,
            #"ringway_key_requests_total{key="anonymous",code="4xx"} 1"#,
            #"ringway_request_bytes_total{pool="none"} 11"#,
            #"ringway_prompt_tokens_total{model="none",key="anonymous"} 1"#,
            #"ringway_cost_usd_total{model="none",key="anonymous"} 0.000001"#,
        ] {
            #expect(lines.contains(line), "missing: \(line)")
        }
        // A TTFB without an endpoint has no series to go to.
        #expect(!lines.contains { $0.hasPrefix("ringway_upstream_ttfb_seconds_count") })
    }

    @Test func statusCodesMapToTheClosedSet() {
        let cases: [(Int, String)] = [
            (200, "2xx"), (204, "2xx"), (301, "3xx"), (400, "400"), (401, "401"), (403, "4xx"), (404, "404"),
            (408, "408"), (413, "413"), (418, "4xx"), (429, "429"), (499, "499"), (500, "500"), (501, "5xx"),
            (502, "502"), (503, "503"), (504, "504"), (599, "5xx"), (100, "other"), (0, "other"), (600, "other"),
            (-1, "other"),
        ]
        for (code, label) in cases {
            #expect(StatusCodeLabel.values[StatusCodeLabel.index(of: code)] == label, "\(code)")
        }
        #expect(StatusCodeLabel.values.count == StatusCodeLabel.count)
    }

    @Test func labelValuesAreEscaped() throws {
        let layout = try MetricsLayout(
            models: ["a\"b\\c\nd", "ünï"], pools: ["p"], endpoints: [.init(name: "e\\1", pool: 0)], keys: [],
            priorities: [])
        let shard = MetricsShard(layout: layout)
        shard.requestFinished(model: 0, pool: 0, endpoint: 0, statusCode: 200, totalNs: 1, overheadNs: 1,
                              upstreamTTFBNs: nil, key: -1, bytesIn: 0, bytesOut: 0)
        shard.fallback(model: 1)
        let lines = F.lines(PrometheusExposition.render(layout: layout, shards: [shard], gauges: ScrapeGauges()))
        #expect(lines.contains(#"ringway_requests_total{model="a\"b\\c\nd",pool="p",endpoint="e\\1",code="2xx"} 1"#))
        #expect(lines.contains(#"ringway_fallbacks_total{model="ünï"} 1"#))
        // The unescaped pairs stay available for `ringway top`.
        #expect(layout.labelPairs(.model, 0).map { $0.1 } == ["a\"b\\c\nd"])
        #expect(layout.labelPairs(.route, 1).map { "\($0.0)=\($0.1)" } == ["pool=p", "endpoint=none"])
    }

    @Test func numbersFormatExactly() {
        func render(_ body: (inout ExpositionBuffer) -> Void) -> String {
            var buffer = ExpositionBuffer(reservingCapacity: 64)
            body(&buffer)
            return String(decoding: buffer.bytes, as: UTF8.self)
        }
        #expect(render { $0.append(UInt64(0)) } == "0")
        #expect(render { $0.append(UInt64.max) } == "18446744073709551615")
        #expect(render { $0.append(signed: -42) } == "-42")
        #expect(render { $0.append(signed: Int64.min) } == "-9223372036854775808")
        #expect(render { $0.append(UInt64(0), decimals: 9) } == "0")
        #expect(render { $0.append(UInt64(1), decimals: 9) } == "0.000000001")
        #expect(render { $0.append(UInt64(1_500_000_000), decimals: 9) } == "1.5")
        #expect(render { $0.append(UInt64(120_000_000_000), decimals: 9) } == "120")
        #expect(render { $0.append(UInt64(1_000_100), decimals: 6) } == "1.0001")
    }
}
