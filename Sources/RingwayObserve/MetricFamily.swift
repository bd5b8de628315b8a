/// The metric families a shard records, in exposition order.
///
/// Families the caller supplies at scrape time (endpoint health, breakers,
/// config) are not here: they have no cells (see `ScrapeGauges`).
public enum MetricFamily: Int, CaseIterable, Sendable {
    case requests
    case requestsByKey
    case requestDuration
    case proxyOverhead
    case upstreamTTFB
    case timeToFirstToken
    case interTokenLatency
    case promptTokens
    case completionTokens
    case cost
    case requestBytes
    case responseBytes
    case retries
    case fallbacks
    case admissionRejected
    case activeConnections
    case queueDepth

    public var name: String {
        switch self {
        case .requests: "ringway_requests_total"
        case .requestsByKey: "ringway_key_requests_total"
        case .requestDuration: "ringway_request_duration_seconds"
        case .proxyOverhead: "ringway_proxy_overhead_seconds"
        case .upstreamTTFB: "ringway_upstream_ttfb_seconds"
        case .timeToFirstToken: "ringway_time_to_first_token_seconds"
        case .interTokenLatency: "ringway_inter_token_latency_seconds"
        case .promptTokens: "ringway_prompt_tokens_total"
        case .completionTokens: "ringway_completion_tokens_total"
        case .cost: "ringway_cost_usd_total"
        case .requestBytes: "ringway_request_bytes_total"
        case .responseBytes: "ringway_response_bytes_total"
        case .retries: "ringway_retries_total"
        case .fallbacks: "ringway_fallbacks_total"
        case .admissionRejected: "ringway_admission_rejected_total"
        case .activeConnections: "ringway_active_connections"
        case .queueDepth: "ringway_queue_depth"
        }
    }

    public var help: String {
        switch self {
        case .requests: "Requests answered, by model, pool, endpoint and status code."
        case .requestsByKey: "Requests answered, by API key and status code."
        case .requestDuration: "Time from the first request byte to the last response byte."
        case .proxyOverhead: "Time spent in Ringway itself: the request duration less the time waiting on upstreams."
        case .upstreamTTFB: "Time from sending the request upstream to the first response byte."
        case .timeToFirstToken: "Time from the first request byte to the first streamed token sent to the client."
        case .interTokenLatency: "Time between consecutive streamed tokens."
        case .promptTokens: "Prompt tokens reported by upstreams."
        case .completionTokens: "Completion tokens reported by upstreams."
        case .cost: "Estimated cost of the tokens above, in US dollars, from configured prices."
        case .requestBytes: "Bytes received from clients."
        case .responseBytes: "Bytes sent to clients."
        case .retries: "Upstream attempts retried on another endpoint."
        case .fallbacks: "Requests that fell back from this model to another."
        case .admissionRejected: "Requests refused by admission control (queue full or queue timeout)."
        case .activeConnections: "Client connections open now."
        case .queueDepth: "Requests waiting for admission now."
        }
    }

    public var kind: MetricKind {
        switch self {
        case .requestDuration, .proxyOverhead, .upstreamTTFB, .timeToFirstToken, .interTokenLatency: .histogram
        case .activeConnections, .queueDepth: .gauge
        default: .counter
        }
    }

    /// Label dimensions, outermost first; a series index is their mixed-radix number.
    public var dimensions: [MetricDimension] {
        switch self {
        case .requests: [.model, .route, .code]
        case .requestsByKey: [.key, .code]
        case .requestDuration: [.model, .pool]
        case .proxyOverhead: [.pool]
        case .upstreamTTFB: [.endpoint]
        case .timeToFirstToken, .interTokenLatency: [.model]
        case .promptTokens, .completionTokens, .cost: [.model, .key]
        case .requestBytes, .responseBytes, .retries, .queueDepth: [.pool]
        case .fallbacks: [.model]
        case .admissionRejected: [.pool, .priority]
        case .activeConnections: []
        }
    }

    /// How a cell's integer becomes the exposed value.
    var scale: CellScale {
        switch self {
        case .cost: .micros
        case .activeConnections, .queueDepth: .signed
        default: .integer
        }
    }
}

public enum MetricKind: String, Sendable {
    case counter, gauge, histogram
}

/// One label axis. Each has a closed set of values: the configured names
/// plus, where a request may lack one, a reserved slot (see `MetricsLayout`).
public enum MetricDimension: Sendable, Hashable {
    /// Configured models, then `none` (no model resolved: rejected early).
    case model
    /// Configured pools, then `none`.
    case pool
    /// Where a request ended up, as two labels `pool` and `endpoint`: each
    /// configured endpoint, then per pool `endpoint="none"` (the pool was
    /// chosen but no endpoint was: queue timeout, all breakers open), then
    /// `pool="none",endpoint="none"`.
    case route
    /// Configured endpoints only, labelled with their pool and name.
    case endpoint
    /// Configured API key names, then `anonymous`.
    case key
    /// Configured priority classes, then `none`.
    case priority
    /// `StatusCodeLabel`.
    case code
}

/// Cell integers are nanoseconds for histogram sums (exposed as seconds),
/// micro-dollars for cost (exposed as dollars), two's-complement for gauges
/// that a worker moves down as well as up, plain counts otherwise.
enum CellScale {
    case integer, signed, micros
}
