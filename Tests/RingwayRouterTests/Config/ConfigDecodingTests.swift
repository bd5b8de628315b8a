import Testing
@testable import RingwayRouter

/// What a valid file decodes to: every field lands in `RouterConfig`, and
/// absent fields keep their documented defaults.
@Suite struct ConfigDecodingTests {
    @Test func theMinimalConfigKeepsEveryDefault() throws {
        let config = try #require(ConfigTest.valid(ConfigTest.minimal))
        var expected = RouterConfig()
        expected.pools = [PoolConfig(name: "p", endpoints: [
            EndpointConfig(address: .http(host: "127.0.0.1", port: 8000), url: "http://127.0.0.1:8000"),
        ])]
        expected.models = [ModelConfig(name: "m", pool: "p")]
        #expect(config == expected)
        #expect(config.routes == RouteConfig.defaults)
        #expect(config.admin.listen == "127.0.0.1:9901")
    }

    @Test func everyFieldIsDecoded() throws {
        let json = """
            {
              "listen": "0.0.0.0:8080",
              "admin": null,
              "pools": {
                "vllm": {
                  "endpoints": [{"url": "http://10.0.0.1:8000", "weight": 3}, "unix:/run/vllm.sock"],
                  "strategy": "prefix_affinity", "affinity": {"prefix_bytes": 2048, "load_factor": 1.5},
                  "host": "vllm.internal:8000", "headers": {"X-Team": "ml"},
                  "max_connections": 32, "max_concurrency": 16, "queue": {"max_waiting": 8, "timeout_ms": 250},
                  "health_check": {"path": "/healthz", "interval_ms": 500, "timeout_ms": 100, "unhealthy_after": 3, "healthy_after": 1},
                  "metrics": {"path": "/m", "interval_ms": 2000, "timeout_ms": 200, "flavor": "sglang"},
                  "outlier": {"consecutive_failures": 2, "ejection_ms": 1000, "max_ejected_percent": 100},
                  "connect_timeout_ms": 100, "first_byte_timeout_ms": 9000
                },
                "openai": {"endpoints": ["https://api.openai.com"], "strategy": "load_aware", "health_check": true, "metrics": true}
              },
              "models": {
                "llama": {"pool": "vllm", "upstream_model": "meta-llama/Llama-3.1-8B-Instruct", "aliases": ["l3", "llama-8b"],
                          "price": {"input": 0, "output": 0.2}, "context_window": 131072,
                          "capabilities": ["tools", "streaming"], "fallbacks": ["gpt-4o-mini"],
                          "fallback_on": ["429", "timeout"], "max_latency_ms": 1500, "owned_by": "meta"},
                "gpt-4o-mini": {"pool": "openai", "price": {"input": 0.15, "output": 0.6}}
              },
              "routes": [{"prefix": "/v1/messages", "pool": "openai"}, {"path": "/v1/models", "to": "catalog"},
                         {"path": "/v2/chat", "to": "model"}],
              "rules": [
                {"name": "big", "match": {"header": {"X-Tenant": "acme", "x-debug": "*"}, "key": ["team-a"], "tenant": ["acme"],
                  "path_prefix": "/v1/chat", "model": ["llama"], "min_prompt_tokens": 10, "max_prompt_tokens": 20,
                  "tools": true, "images": false, "last_user_message": "(?i)translate"}, "model": "gpt-4o-mini"},
                {"cheapest": ["llama", "gpt-4o-mini"]},
                {"name": "raw", "pool": "vllm"}
              ],
              "default": {"model": "llama"},
              "keys": [{"name": "team-a", "key": "sk-a", "tenant": "acme", "priority": "high"}, {"name": "b", "key": "sk-b"}],
              "require_key": true,
              "priority": {"header": "X-Prio", "classes": ["high", "low"], "default": "low"},
              "retry": {"max_attempts": 5, "backoff_ms": 0, "try_timeout_ms": 1000, "total_timeout_ms": 5000,
                        "pre_commit_ms": 50, "pre_commit_events": 2},
              "splits": [{"name": "ab", "model": "llama", "targets": [{"model": "llama", "weight": 90}, {"model": "gpt-4o-mini", "weight": 0}],
                          "sticky": "header:X-User-Id"}],
              "shadows": [{"model": "gpt-4o-mini", "pool": "vllm", "fraction": 0.05}]
            }
            """
        let config = try #require(ConfigTest.valid(json))
        #expect(config.listen == "0.0.0.0:8080")
        #expect(config.admin.listen == nil)

        let vllm = config.pools[0]
        #expect(config.pools.map(\.name) == ["vllm", "openai"])
        #expect(vllm.endpoints == [
            EndpointConfig(address: .http(host: "10.0.0.1", port: 8000), url: "http://10.0.0.1:8000", weight: 3),
            EndpointConfig(address: .unix(path: "/run/vllm.sock"), url: "unix:/run/vllm.sock"),
        ])
        #expect(vllm.strategy == .prefixAffinity(prefixBytes: 2048, loadFactor: 1.5))
        #expect(vllm.hostHeader == "vllm.internal:8000")
        #expect(vllm.headers == [HeaderConfig(name: "x-team", value: "ml")])
        #expect(vllm.maxConnectionsPerWorker == 32)
        #expect(vllm.maxConcurrency == 16)
        #expect(vllm.queue.maxWaiting == 8 && vllm.queue.timeoutMs == 250)
        #expect(vllm.healthCheck?.path == "/healthz" && vllm.healthCheck?.intervalMs == 500)
        #expect(vllm.healthCheck?.timeoutMs == 100 && vllm.healthCheck?.unhealthyAfter == 3 && vllm.healthCheck?.healthyAfter == 1)
        #expect(vllm.metrics?.flavor == .sglang && vllm.metrics?.path == "/m" && vllm.metrics?.timeoutMs == 200)
        #expect(vllm.outlier.consecutiveFailures == 2 && vllm.outlier.ejectionMs == 1000 && vllm.outlier.maxEjectedPercent == 100)
        #expect(vllm.connectTimeoutMs == 100 && vllm.firstByteTimeoutMs == 9000)
        let openai = config.pools[1]
        #expect(openai.endpoints[0].address == .https(host: "api.openai.com", port: 443))
        #expect(openai.strategy == .loadAware)
        #expect(openai.healthCheck == HealthCheckConfig())
        #expect(openai.metrics == MetricsScrapeConfig())

        let llama = config.models[0]
        #expect(config.models.map(\.name) == ["llama", "gpt-4o-mini"])
        #expect(llama.upstreamModel == "meta-llama/Llama-3.1-8B-Instruct")
        #expect(llama.aliases == ["l3", "llama-8b"])
        #expect(llama.price == Price(inputPerMillion: 0, outputPerMillion: 0.2))
        #expect(llama.contextWindow == 131072)
        #expect(llama.capabilities == [.tools, .streaming])
        #expect(llama.fallbacks == ["gpt-4o-mini"])
        #expect(llama.fallbackOn == [.rateLimited, .timeout])
        #expect(llama.maxLatencyMs == 1500)
        #expect(llama.ownedBy == "meta")
        #expect(config.models[1].fallbackOn == .all)
        #expect(config.models[1].ownedBy == "ringway")

        #expect(config.routes == [
            RouteConfig(path: "/v1/messages", isPrefix: true, kind: .passthrough(pool: "openai")),
            RouteConfig(path: "/v1/models", isPrefix: false, kind: .modelList),
            RouteConfig(path: "/v2/chat", isPrefix: false, kind: .model),
        ] + RouteConfig.defaults.filter { $0.path != "/v1/models" })

        var match = RuleMatch()
        match.headers = [HeaderMatch(name: "x-tenant", value: "acme"), HeaderMatch(name: "x-debug", value: nil)]
        match.keys = ["team-a"]
        match.tenants = ["acme"]
        match.pathPrefix = "/v1/chat"
        match.models = ["llama"]
        match.minPromptTokens = 10
        match.maxPromptTokens = 20
        match.tools = true
        match.images = false
        match.lastUserMessagePattern = "(?i)translate"
        #expect(config.rules == [
            RuleConfig(name: "big", match: match, target: .model("gpt-4o-mini")),
            RuleConfig(name: "rule-2", match: RuleMatch(), target: .cheapest(["llama", "gpt-4o-mini"])),
            RuleConfig(name: "raw", match: RuleMatch(), target: .pool("vllm")),
        ])
        #expect(config.defaultTarget == .model("llama"))
        var key = APIKeyConfig(name: "team-a", key: "sk-a")
        key.tenant = "acme"
        key.priority = "high"
        #expect(config.keys == [key, APIKeyConfig(name: "b", key: "sk-b")])
        #expect(config.requireKey)
        #expect(config.priority.header == "x-prio" && config.priority.classes == ["high", "low"] && config.priority.defaultClass == "low")
        #expect(config.retry.maxAttempts == 5 && config.retry.backoffMs == 0)
        #expect(config.retry.tryTimeoutMs == 1000 && config.retry.totalTimeoutMs == 5000)
        #expect(config.retry.preCommitMs == 50 && config.retry.preCommitEvents == 2)
        var split = SplitConfig(name: "ab", model: "llama", targets: [SplitTarget(model: "llama", weight: 90), SplitTarget(model: "gpt-4o-mini", weight: 0)])
        split.sticky = .header("x-user-id")
        #expect(config.splits == [split])
        #expect(config.shadows == [ShadowConfig(model: "gpt-4o-mini", pool: "vllm", fraction: 0.05)])
    }

    @Test(arguments: [
        ("round_robin", BalancingStrategy.roundRobin),
        ("least_outstanding", .leastOutstanding),
        ("p2c_ewma", .p2cEWMA),
        ("prefix_affinity", .prefixAffinity(prefixBytes: 1024, loadFactor: 1.25)),
    ])
    func strategiesDecode(name: String, strategy: BalancingStrategy) throws {
        let config = try #require(ConfigTest.valid("""
            {"pools": {"p": {"endpoints": ["http://127.0.0.1:1"], "strategy": "\(name)"}}, "default": {"pool": "p"}}
            """))
        #expect(config.pools[0].strategy == strategy)
    }

    @Test(arguments: [
        ("\"user\"", StickyKey.user), ("\"key\"", .apiKey), ("\"none\"", StickyKey.none), ("\"header:X-Session\"", .header("x-session")),
    ])
    func stickyKeysDecode(text: String, sticky: StickyKey) throws {
        let config = try #require(ConfigTest.valid(ConfigTest.with("""
              "splits": [{"model": "m", "targets": [{"model": "m", "weight": 1}], "sticky": \(text)}]
            """)))
        #expect(config.splits[0].sticky == sticky)
        #expect(config.splits[0].name == "m")
    }

    @Test(arguments: [
        ("http://127.0.0.1:8000", EndpointAddress.http(host: "127.0.0.1", port: 8000)),
        ("http://vLLM.internal:8000/", .http(host: "vllm.internal", port: 8000)),
        ("http://[::1]:9000", .http(host: "::1", port: 9000)),
        ("https://api.openai.com", .https(host: "api.openai.com", port: 443)),
        ("https://api.example.com:8443", .https(host: "api.example.com", port: 8443)),
        ("unix:/run/vllm.sock", .unix(path: "/run/vllm.sock")),
    ])
    func endpointURLsParse(url: String, address: EndpointAddress) {
        #expect(ConfigSyntax.endpoint(url) == .success(address))
    }

    @Test func adminAndDefaultAcceptNull() throws {
        let config = try #require(ConfigTest.valid(ConfigTest.with("""
              "admin": {"listen": null}, "default": null
            """)))
        #expect(config.admin.listen == nil)
        #expect(config.defaultTarget == nil)
    }

    @Test func falseDisablesProbes() throws {
        let config = try #require(ConfigTest.valid("""
            {"pools": {"p": {"endpoints": ["http://127.0.0.1:1"], "health_check": false, "metrics": false}}, "default": {"pool": "p"}}
            """))
        #expect(config.pools[0].healthCheck == nil)
        #expect(config.pools[0].metrics == nil)
    }
}
