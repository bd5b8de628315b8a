/// The router's configuration as written in `ringway.json`, after decoding
/// and validation (see `docs/CONFIG.md`). Plain values: the proxy compiles
/// them into a `RoutingTable` before any request sees them.
///
/// Names are what the file calls them; times are milliseconds, prices are
/// USD per million tokens.
public struct RouterConfig: Sendable, Equatable {
    /// `"listen"`: the client listener, "host:port"; `--listen` overrides it.
    public var listen: String?
    public var admin = AdminConfig()
    /// `"pools"`: an object of name -> pool, kept in file order.
    public var pools: [PoolConfig] = []
    /// `"models"`: an object of public name -> model, kept in file order.
    public var models: [ModelConfig] = []
    /// `"routes"`: which paths are routed by model and which pass through to
    /// a pool. Empty in the file means the OpenAI defaults (`RouteConfig.defaults`).
    public var routes: [RouteConfig] = RouteConfig.defaults
    /// `"rules"`: first match wins.
    public var rules: [RuleConfig] = []
    /// `"default"`: where a model route goes when the body names no model.
    public var defaultTarget: RuleTarget?
    /// `"keys"`: client API keys (values usually `${ENV}` references).
    public var keys: [APIKeyConfig] = []
    /// `"require_key"`: refuse requests without a known key (401).
    public var requireKey = false
    public var priority = PriorityConfig()
    public var retry = RetryConfig()
    public var splits: [SplitConfig] = []
    public var shadows: [ShadowConfig] = []
    /// `"access_log"`: one JSON line per request; nil = off.
    public var accessLog: AccessLogConfig?
    /// `"count_stream_usage"`: ask for usage on streams whose client did not,
    /// so tokens and cost are counted, and hide it from that client.
    public var countStreamUsage = false

    public init() {}
}

public struct AccessLogConfig: Sendable, Equatable {
    /// `"path"`: a file (appended to; reopened on SIGUSR1) or `"stdout"`.
    public var path = "stdout"
    /// `"sample_rate"`: 0...1 of the requests (5xx answers are always logged).
    public var sampleRate = 1.0
    public init() {}
}

public struct AdminConfig: Sendable, Equatable {
    /// "host:port"; nil disables the admin listener.
    public var listen: String? = "127.0.0.1:9901"
    public init() {}
}

/// Where an endpoint is. `https` endpoints are reached over TLS with the
/// pool's `tls` settings.
public enum EndpointAddress: Sendable, Equatable, Hashable {
    case http(host: String, port: UInt16)
    case https(host: String, port: UInt16)
    case unix(path: String)
}

public struct EndpointConfig: Sendable, Equatable {
    /// `"url"`: `http://host:port`, `https://host[:port]` or `unix:/path`.
    public var address: EndpointAddress
    /// The URL as written, for logs and `x-ringway-route`.
    public var url: String
    /// `"weight"`: 1...1000, default 1.
    public var weight = 1
    /// An https endpoint's host as the URL names it: sent as SNI and checked
    /// against the certificate. Kept apart from `address`, whose host the
    /// resolver replaces by a numeric address. nil for plaintext endpoints.
    public var tlsServerName: String?

    public init(address: EndpointAddress, url: String, weight: Int = 1) {
        self.address = address
        self.url = url
        self.weight = weight
        if case .https(let host, _) = address { tlsServerName = host }
    }
}

/// `"tls"`: how a pool's https endpoints are verified.
public struct PoolTLSConfig: Sendable, Equatable, Hashable {
    /// `"ca_file"`: a PEM bundle trusted in addition to the system store.
    public var caFile: String?
    /// `"insecure_skip_verify"`: no certificate or name check (tests only).
    public var insecureSkipVerify = false
    /// `"server_name"`: SNI and the name checked, instead of the URL's host.
    public var serverName: String?
    public init() {}
}

public enum BalancingStrategy: Sendable, Equatable {
    /// `"round_robin"`: smooth weighted round-robin.
    case roundRobin
    /// `"least_outstanding"`: fewest requests in flight (weight breaks ties).
    case leastOutstanding
    /// `"p2c_ewma"`: two random endpoints, the lower EWMA latency x (outstanding + 1) wins.
    case p2cEWMA
    /// `"prefix_affinity"`: consistent hash of the prompt prefix with bounded load.
    case prefixAffinity(prefixBytes: Int, loadFactor: Double)
    /// `"load_aware"`: least loaded by scraped server metrics (queue, running, KV cache).
    case loadAware
}

public enum MetricsFlavor: String, Sendable, Equatable {
    case vllm, sglang
}

public struct HealthCheckConfig: Sendable, Equatable {
    public var path = "/health"
    public var intervalMs = 2_000
    public var timeoutMs = 1_000
    /// Consecutive failures that mark an endpoint unhealthy.
    public var unhealthyAfter = 2
    /// Consecutive successes that mark it healthy again.
    public var healthyAfter = 2
    public init() {}
}

public struct MetricsScrapeConfig: Sendable, Equatable {
    public var path = "/metrics"
    public var intervalMs = 1_000
    public var timeoutMs = 500
    public var flavor = MetricsFlavor.vllm
    public init() {}
}

/// Passive outlier ejection and the circuit breaker, per endpoint.
public struct OutlierConfig: Sendable, Equatable {
    /// Consecutive failures (connect errors, resets, 5xx, timeouts) that eject.
    public var consecutiveFailures = 5
    /// First ejection length; doubles on each repeat ejection, capped at 10x.
    public var ejectionMs = 30_000
    /// Never eject more than this share of a pool's endpoints (percent).
    public var maxEjectedPercent = 50
    public init() {}
}

public struct QueueConfig: Sendable, Equatable {
    /// Requests that may wait for a slot when the pool is at `max_concurrency`.
    public var maxWaiting = 128
    /// How long one may wait before it is answered 503 with Retry-After.
    public var timeoutMs = 5_000
    public init() {}
}

public struct HeaderConfig: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

public struct PoolConfig: Sendable, Equatable {
    public var name: String
    public var endpoints: [EndpointConfig]
    public var strategy = BalancingStrategy.roundRobin
    /// `"host"`: the Host header sent upstream (hosted APIs need theirs).
    public var hostHeader: String?
    /// `"headers"`: fields set on every request to this pool (replacing the
    /// client's field of the same name), e.g. the hosted API's Authorization.
    public var headers: [HeaderConfig] = []
    /// `"max_connections"`: per worker; nil = the global pool limit.
    public var maxConnectionsPerWorker: Int?
    /// `"max_concurrency"`: requests in flight to the pool (all workers);
    /// nil = unlimited, no admission queue.
    public var maxConcurrency: Int?
    public var queue = QueueConfig()
    public var healthCheck: HealthCheckConfig?
    public var metrics: MetricsScrapeConfig?
    public var outlier = OutlierConfig()
    /// `"connect_timeout_ms"`, `"first_byte_timeout_ms"`: override the global ones.
    public var connectTimeoutMs: Int?
    public var firstByteTimeoutMs: Int?
    /// `"tls"`: verification settings for the pool's https endpoints; nil =
    /// the system trust store and each URL's host name.
    public var tls: PoolTLSConfig?

    public init(name: String, endpoints: [EndpointConfig]) {
        self.name = name
        self.endpoints = endpoints
    }
}

public struct Price: Sendable, Equatable {
    public var inputPerMillion: Double
    public var outputPerMillion: Double
    public init(inputPerMillion: Double, outputPerMillion: Double) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }
}

public enum Capability: String, Sendable, Equatable, CaseIterable {
    case tools, vision, streaming, embeddings, reasoning
}

/// What makes a failed attempt move on to the next model of a fallback chain.
public struct FallbackTriggers: OptionSet, Sendable, Equatable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// `"429"`
    public static let rateLimited = FallbackTriggers(rawValue: 1)
    /// `"5xx"` and connection failures
    public static let serverError = FallbackTriggers(rawValue: 2)
    /// `"timeout"`
    public static let timeout = FallbackTriggers(rawValue: 4)
    /// `"context_length"`: a 400 whose error code is `context_length_exceeded`
    public static let contextLength = FallbackTriggers(rawValue: 8)
    public static let all: FallbackTriggers = [.rateLimited, .serverError, .timeout, .contextLength]
}

public struct ModelConfig: Sendable, Equatable {
    /// The public name clients send as `"model"`.
    public var name: String
    public var aliases: [String] = []
    public var pool: String
    /// `"upstream_model"`: the name the upstream knows it by; nil = unchanged.
    public var upstreamModel: String?
    public var price: Price?
    public var contextWindow: Int?
    public var capabilities: Set<Capability> = []
    /// `"fallbacks"`: public model names tried in order when this one fails.
    public var fallbacks: [String] = []
    public var fallbackOn = FallbackTriggers.all
    /// `"max_latency_ms"`: the latency objective `cheapest` holds it to.
    public var maxLatencyMs: Int?
    /// `"owned_by"` in `/v1/models`.
    public var ownedBy = "ringway"
    /// `"count_stream_usage"`: overrides the top-level switch for this model.
    public var countStreamUsage: Bool?

    public init(name: String, pool: String) {
        self.name = name
        self.pool = pool
    }
}

public enum RouteKind: Sendable, Equatable {
    /// The body's `model` picks the target (rules, splits, fallbacks apply).
    case model
    /// Relayed to the pool as is, body untouched.
    case passthrough(pool: String)
    /// Answered by Ringway from the catalog (`/v1/models`).
    case modelList
}

public struct RouteConfig: Sendable, Equatable {
    /// `"path"` (exact) or `"prefix"`.
    public var path: String
    public var isPrefix: Bool
    public var kind: RouteKind

    public init(path: String, isPrefix: Bool, kind: RouteKind) {
        self.path = path
        self.isPrefix = isPrefix
        self.kind = kind
    }

    public static let defaults: [RouteConfig] = [
        RouteConfig(path: "/v1/chat/completions", isPrefix: false, kind: .model),
        RouteConfig(path: "/v1/completions", isPrefix: false, kind: .model),
        RouteConfig(path: "/v1/embeddings", isPrefix: false, kind: .model),
        RouteConfig(path: "/v1/responses", isPrefix: false, kind: .model),
        RouteConfig(path: "/v1/models", isPrefix: false, kind: .modelList),
    ]
}

/// What a rule (or the default) sends a request to.
public enum RuleTarget: Sendable, Equatable {
    case model(String)
    case pool(String)
    /// The cheapest of these models that can serve the request and meets its
    /// latency objective.
    case cheapest([String])
}

public struct HeaderMatch: Sendable, Equatable {
    public var name: String
    /// nil = the header is present with any value.
    public var value: String?
    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }
}

/// Every present condition must hold.
public struct RuleMatch: Sendable, Equatable {
    public var headers: [HeaderMatch] = []
    /// Key names (from `"keys"`).
    public var keys: [String] = []
    public var tenants: [String] = []
    /// Path prefix.
    public var pathPrefix: String?
    /// Requested model names, as the client sent them.
    public var models: [String] = []
    public var minPromptTokens: Int?
    public var maxPromptTokens: Int?
    public var tools: Bool?
    public var images: Bool?
    /// `"last_user_message"`: a regular expression searched in the last user
    /// message (see `docs/CONFIG.md` for the supported syntax).
    public var lastUserMessagePattern: String?
    public init() {}
}

public struct RuleConfig: Sendable, Equatable {
    public var name: String
    public var match: RuleMatch
    public var target: RuleTarget
    public init(name: String, match: RuleMatch, target: RuleTarget) {
        self.name = name
        self.match = match
        self.target = target
    }
}

public struct APIKeyConfig: Sendable, Equatable {
    public var name: String
    /// The secret, after `${ENV}` substitution. Never logged.
    public var key: String
    public var tenant: String?
    /// A priority class name from `priority.classes`.
    public var priority: String?
    public init(name: String, key: String) {
        self.name = name
        self.key = key
    }
}

public struct PriorityConfig: Sendable, Equatable {
    public var header = "x-ringway-priority"
    /// Highest first.
    public var classes = ["critical", "high", "normal", "low"]
    public var defaultClass = "normal"
    public init() {}
}

public struct RetryConfig: Sendable, Equatable {
    /// Attempts per request in all, across endpoints and fallback models.
    public var maxAttempts = 3
    /// Backoff before attempt n (n >= 2): base x 2^(n-2), jittered.
    public var backoffMs = 10
    /// Per try: connect + first byte; nil = the pool's / global timeouts.
    public var tryTimeoutMs: Int?
    /// Whole request until the response starts; nil = unlimited.
    public var totalTimeoutMs: Int?
    /// Hold a stream's first events this long (or this many) before any
    /// byte reaches the client, so an upstream that fails at once can still
    /// be replaced invisibly. 0 = off.
    public var preCommitMs = 0
    public var preCommitEvents = 0
    public init() {}
}

public enum StickyKey: Sendable, Equatable {
    case none
    case apiKey
    case user
    case header(String)
}

public struct SplitTarget: Sendable, Equatable {
    public var model: String
    public var weight: Int
    public init(model: String, weight: Int) {
        self.model = model
        self.weight = weight
    }
}

/// A/B split: requests for `model` are shared among `targets` by weight.
public struct SplitConfig: Sendable, Equatable {
    public var name: String
    public var model: String
    public var targets: [SplitTarget]
    public var sticky = StickyKey.user
    public init(name: String, model: String, targets: [SplitTarget]) {
        self.name = name
        self.model = model
        self.targets = targets
    }
}

/// Mirrors `fraction` of the requests for `model` to `pool`; answers discarded.
public struct ShadowConfig: Sendable, Equatable {
    public var model: String
    public var pool: String
    public var fraction: Double
    public init(model: String, pool: String, fraction: Double) {
        self.model = model
        self.pool = pool
        self.fraction = fraction
    }
}
