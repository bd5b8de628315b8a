import Testing
@testable import RingwayRouter

/// Shape errors: unknown fields, wrong types, ranges, syntax of addresses
/// and URLs, missing required fields. Each names its path, line and column.
@Suite struct ConfigFieldErrorTests {
    @Test func theBriefsExampleMessage() {
        let json = """
            {
              "pools": {
                "vllm": {
                  "endpoints": [
                    "http://127.0.0.1:8000",
                    {"url": "htp://x"}
                  ]
                }
              },
              "default": {"pool": "vllm"}
            }
            """
        let errors = ConfigTest.errors(json)
        #expect(errors == [ConfigError(
            path: "pools.vllm.endpoints[1].url", line: 6, column: 17,
            reason: "expected http://host:port, https://host[:port] or unix:/path, got \"htp://x\"")])
        #expect(errors.first?.description
            == "line 6, column 17: pools.vllm.endpoints[1].url: expected http://host:port, https://host[:port] or unix:/path, got \"htp://x\"")
        #expect(errors.first?.formatted(file: "r.json")
            == "r.json:6:17: pools.vllm.endpoints[1].url: expected http://host:port, https://host[:port] or unix:/path, got \"htp://x\"")
    }

    @Test func unknownFieldsSuggestTheClosestNameAndPointAtTheKey() {
        let json = """
            {
              "pools": {"vllm": {"endpoints": ["http://127.0.0.1:8000"], "stratgy": "p2c_ewma"}},
              "modles": {},
              "default": {"pool": "vllm", "zzz": 1},
              "retry": {"max_attempt": 2}
            }
            """
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("pools.vllm.stratgy", at: "\"stratgy\"", in: json, "unknown field \"stratgy\" (did you mean \"strategy\"?)"),
            ConfigTest.error("modles", at: "\"modles\"", in: json, "unknown field \"modles\" (did you mean \"models\"?)"),
            ConfigTest.error("default.zzz", at: "\"zzz\"", in: json, "unknown field \"zzz\""),
            ConfigTest.error("retry.max_attempt", at: "\"max_attempt\"", in: json, "unknown field \"max_attempt\" (did you mean \"max_attempts\"?)"),
        ])
    }

    @Test func suggestionsNeedTwoEditsOrFewer() {
        #expect(NameSuggestion.closest(to: "stratgy", among: PoolConfig.fieldNames) == "strategy")
        #expect(NameSuggestion.closest(to: "startegy", among: PoolConfig.fieldNames) == "strategy")
        #expect(NameSuggestion.closest(to: "endpoint", among: PoolConfig.fieldNames) == "endpoints")
        #expect(NameSuggestion.closest(to: "healthcheck", among: PoolConfig.fieldNames) == "health_check")
        #expect(NameSuggestion.closest(to: "weights", among: ["url", "weight"]) == "weight")
        #expect(NameSuggestion.closest(to: "colour", among: PoolConfig.fieldNames) == nil)
    }

    @Test func wrongTypesSayWhatWasExpectedAndWhatCame() {
        let json = """
            {
              "listen": 8080,
              "pools": {"p": {"endpoints": "http://127.0.0.1:1", "max_connections": "10", "health_check": "yes"}},
              "models": {"m": {"pool": "p", "aliases": "mm", "price": [1, 2], "capabilities": ["tools", 3]}},
              "require_key": "no",
              "rules": {"name": "x"},
              "keys": [7]
            }
            """
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("listen", at: "8080", in: json, "expected a string, got number 8080"),
            ConfigTest.error("pools.p.endpoints", at: "\"http://127", in: json, "expected an array, got string \"http://127.0.0.1:1\""),
            ConfigTest.error("pools.p.max_connections", at: "\"10\"", in: json, "expected a whole number in 1...65536, got string \"10\""),
            ConfigTest.error("pools.p.health_check", at: "\"yes\"", in: json, "expected true, false or an object, got string \"yes\""),
            ConfigTest.error("models.m.aliases", at: "\"mm\"", in: json, "expected an array of strings, got string \"mm\""),
            ConfigTest.error("models.m.price", at: "[1, 2]", in: json, "expected an object, got an array"),
            ConfigTest.error("models.m.capabilities[1]", at: "3]", in: json, "expected a string, got number 3"),
            ConfigTest.error("require_key", at: "\"no\"", in: json, "expected true or false, got string \"no\""),
            ConfigTest.error("rules", at: "{\"name\": \"x\"}", in: json, "expected an array, got an object"),
            ConfigTest.error("keys[0]", at: "7]", in: json, "expected an object, got number 7"),
        ])
    }

    @Test func numbersOutOfRangeNameTheRange() {
        let json = """
            {
              "pools": {"p": {
                "endpoints": [{"url": "http://127.0.0.1:1", "weight": 0}, {"url": "http://127.0.0.1:2", "weight": 1.5}],
                "connect_timeout_ms": 0, "first_byte_timeout_ms": 86400001,
                "strategy": "prefix_affinity", "affinity": {"prefix_bytes": 8, "load_factor": 0.5}
              }},
              "models": {"m": {"pool": "p", "price": {"input": -1, "output": 1e400}}},
              "retry": {"max_attempts": 11},
              "shadows": [{"model": "m", "pool": "p", "fraction": 1.01}]
            }
            """
        let errors = ConfigTest.errors(json)
        // 1e400 is a syntax-level error (too large for a double): it alone is reported.
        #expect(errors == [ConfigTest.error("models.m.price.output", at: "1e400", in: json, "number 1e400 is too large")])
        let fixed = json.replacingOccurrences(of: "1e400", with: "1e3")
        #expect(ConfigTest.errors(fixed) == [
            ConfigTest.error("pools.p.endpoints[0].weight", at: "0}", in: fixed, "expected a whole number in 1...1000, got 0"),
            ConfigTest.error("pools.p.endpoints[1].weight", at: "1.5", in: fixed, "expected a whole number in 1...1000, got 1.5"),
            ConfigTest.error("pools.p.connect_timeout_ms", at: "0,", in: fixed, "expected a whole number in 1...86400000, got 0"),
            ConfigTest.error("pools.p.first_byte_timeout_ms", at: "86400001", in: fixed, "expected a whole number in 1...86400000, got 86400001"),
            ConfigTest.error("pools.p.affinity.prefix_bytes", at: "8,", in: fixed, "expected a whole number in 16...65536, got 8"),
            ConfigTest.error("pools.p.affinity.load_factor", at: "0.5", in: fixed, "expected a number in 1...10, got 0.5"),
            ConfigTest.error("models.m.price.input", at: "-1", in: fixed, "expected a number of at least 0, got -1"),
            ConfigTest.error("retry.max_attempts", at: "11", in: fixed, "expected a whole number in 1...10, got 11"),
            ConfigTest.error("shadows[0].fraction", at: "1.01", in: fixed, "expected a number in 0...1, got 1.01"),
        ])
    }

    @Test(arguments: [
        ("htp://x", "expected http://host:port, https://host[:port] or unix:/path, got \"htp://x\""),
        ("HTTP://127.0.0.1:1", "expected http://host:port, https://host[:port] or unix:/path, got \"HTTP://127.0.0.1:1\""),
        ("127.0.0.1:8000", "expected http://host:port, https://host[:port] or unix:/path, got \"127.0.0.1:8000\""),
        ("http://127.0.0.1", "\"http://127.0.0.1\" needs a port: http://host:port"),
        ("http://127.0.0.1:0", "expected a port in 1...65535 in \"http://127.0.0.1:0\", got \"0\""),
        ("http://127.0.0.1:65536", "expected a port in 1...65535 in \"http://127.0.0.1:65536\", got \"65536\""),
        ("http://127.0.0.1:80x", "expected a port in 1...65535 in \"http://127.0.0.1:80x\", got \"80x\""),
        ("http://127.0.0.1:8000/v1", "endpoint URLs take no path, query or fragment (the client's path is kept), got \"http://127.0.0.1:8000/v1\""),
        ("https://user:pw@api.example.com", "endpoint URLs take no user info; put credentials in \"headers\", got \"https://user:pw@api.example.com\""),
        ("http://bad_host:80", "invalid host \"bad_host\" in \"http://bad_host:80\""),
        ("http://300.1.1.1:80", "invalid host \"300.1.1.1\" in \"http://300.1.1.1:80\""),
        ("http://[::g]:80", "invalid host \"[::g]\" in \"http://[::g]:80\""),
        ("unix:run/x.sock", "a unix socket URL is unix:/absolute/path, got \"unix:run/x.sock\""),
        ("unix:/" + String(repeating: "a", count: 107), "unix socket path is 108 bytes; the limit is 107"),
    ])
    func endpointURLSyntax(url: String, reason: String) {
        #expect(ConfigSyntax.endpoint(url) == .failure(.init(reason)))
    }

    @Test(arguments: [
        ("127.0.0.1:8080", true), ("0.0.0.0:1", true), ("[::1]:8080", true), ("localhost:65535", true),
        ("127.0.0.1", false), ("127.0.0.1:0", true), ("example.com:80", false), (":8080", false), ("[::1]8080", false),
        ("1.2.3:80", false), ("01.2.3.4:80", false),
    ])
    func listenSyntax(text: String, valid: Bool) {
        let result = ConfigSyntax.listenAddress(text)
        if case .success = result { #expect(valid) } else { #expect(!valid) }
    }

    @Test func listenErrorsNameTheExpectedForm() {
        let json = """
            {"listen": "nowhere", "admin": {"listen": "127.0.0.1:65536"}, "pools": {"p": {"endpoints": ["http://127.0.0.1:1"]}}, "default": {"pool": "p"}}
            """
        #expect(ConfigTest.errors(json) == [
            ConfigError(path: "listen", line: 1, column: 12,
                        reason: "expected \"host:port\" with a numeric IP address (IPv6 in brackets) or localhost, got \"nowhere\""),
            ConfigError(path: "admin.listen", line: 1, column: 43, reason: "expected a port in 0...65535 in \"127.0.0.1:65536\", got \"65536\""),
        ])
    }

    @Test func requiredFieldsPointAtTheirObject() {
        let json = """
            {
              "pools": {"p": {"strategy": "round_robin"}, "q": {"endpoints": []}},
              "models": {"m": {"aliases": []}},
              "keys": [{"name": "a"}],
              "splits": [{"model": "m"}],
              "shadows": [{"pool": "p"}]
            }
            """
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("pools.p.endpoints", at: "{\"strategy\"", in: json, "required field is missing"),
            ConfigTest.error("pools.q.endpoints", at: "[]}", in: json, "a pool needs at least one endpoint"),
            ConfigTest.error("models.m.pool", at: "{\"aliases\"", in: json, "required field is missing"),
            ConfigTest.error("keys[0].key", at: "{\"name\": \"a\"}", in: json, "required field is missing"),
            ConfigTest.error("splits[0].targets", at: "{\"model\": \"m\"}", in: json, "required field is missing"),
            ConfigTest.error("shadows[0].model", at: "{\"pool\"", in: json, "required field is missing"),
            ConfigTest.error("shadows[0].fraction", at: "{\"pool\"", in: json, "required field is missing"),
        ])
    }

    @Test func affinityOnlyWithPrefixAffinity() {
        let json = """
            {"pools": {
              "a": {"endpoints": ["http://127.0.0.1:1"], "strategy": "p2c_ewma", "affinity": {"prefix_bytes": 64}},
              "b": {"endpoints": ["http://127.0.0.1:1"], "affinity": {}}
            }, "default": {"pool": "a"}}
            """
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("pools.a.affinity", at: "{\"prefix_bytes\"", in: json,
                             "\"affinity\" applies only to \"strategy\": \"prefix_affinity\" (this pool uses \"p2c_ewma\")"),
            ConfigTest.error("pools.b.affinity", at: "{}", in: json,
                             "\"affinity\" applies only to \"strategy\": \"prefix_affinity\" (this pool uses \"round_robin\")"),
        ])
    }

    @Test func enumeratedStringsListTheChoices() {
        let json = """
            {"pools": {"p": {"endpoints": ["http://127.0.0.1:1"], "strategy": "least_outstandin",
                             "metrics": {"flavor": "tgi"}}},
             "models": {"m": {"pool": "p", "fallback_on": ["500"]}},
             "routes": [{"path": "/x", "to": "pool"}],
             "splits": [{"model": "m", "targets": [{"model": "m", "weight": 1}], "sticky": "cookie"}]}
            """
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("pools.p.strategy", at: "\"least_outstandin\"", in: json,
                             "expected one of \"round_robin\", \"least_outstanding\", \"p2c_ewma\", \"prefix_affinity\" or \"load_aware\", got \"least_outstandin\" (did you mean \"least_outstanding\"?)"),
            ConfigTest.error("pools.p.metrics.flavor", at: "\"tgi\"", in: json, "expected one of \"vllm\" or \"sglang\", got \"tgi\""),
            ConfigTest.error("models.m.fallback_on[0]", at: "\"500\"", in: json,
                             "expected one of \"429\", \"5xx\", \"timeout\" or \"context_length\", got \"500\" (did you mean \"5xx\"?)"),
            ConfigTest.error("routes[0].to", at: "\"pool\"", in: json, occurrence: 2, "expected one of \"model\" or \"catalog\", got \"pool\""),
            ConfigTest.error("splits[0].sticky", at: "\"cookie\"", in: json,
                             "expected \"user\", \"key\", \"none\" or \"header:<name>\", got \"cookie\""),
        ])
    }

    @Test func rulesAndRoutesNeedExactlyOneTargetAndOnePath() {
        let json = """
            {
              "pools": {"p": {"endpoints": ["http://127.0.0.1:1"]}},
              "models": {"m": {"pool": "p"}},
              "routes": [{"to": "model"}, {"path": "/a", "prefix": "/b", "to": "model"}, {"path": "v1", "pool": "p", "to": "model"}],
              "rules": [{"name": "none"}, {"model": "m", "pool": "p"}, {"cheapest": []}],
              "default": {}
            }
            """
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("routes[0]", at: "{\"to\"", in: json, "a route needs \"path\" (exact match) or \"prefix\""),
            ConfigTest.error("routes[1].prefix", at: "\"/b\"", in: json, "a route has \"path\" or \"prefix\", not both"),
            ConfigTest.error("routes[2].path", at: "\"v1\"", in: json, "expected a request path starting with '/', got \"v1\""),
            ConfigTest.error("routes[2].pool", at: "\"p\", \"to\"", in: json,
                             "a route has \"to\" or \"pool\", not both (a \"pool\" route passes requests through untouched)"),
            ConfigTest.error("rules[0]", at: "{\"name\": \"none\"}", in: json,
                             "a rule needs exactly one target: \"model\", \"pool\" or \"cheapest\""),
            ConfigTest.error("rules[1].pool", at: "\"p\"}, {\"cheapest\"", in: json, "a rule has exactly one target; \"model\" is already set"),
            ConfigTest.error("rules[2].cheapest", at: "[]}", in: json, "must list at least one name"),
            ConfigTest.error("default", at: "{}", in: json,
                             "\"default\" needs exactly one target: \"model\", \"pool\" or \"cheapest\""),
        ])
    }

    @Test func ruleMatchConditionsAreChecked() {
        let json = """
            {
              "pools": {"p": {"endpoints": ["http://127.0.0.1:1"]}},
              "models": {"m": {"pool": "p"}},
              "rules": [{"match": {"header": {"x tenant": "a", "X-A": "1", "x-a": "2"}, "tenant": [],
                                    "path_prefix": "v1", "min_prompt_tokens": 10, "max_prompt_tokens": 5,
                                    "tools": "yes", "last_user_message": ""},
                         "model": "m"}]
            }
            """
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("rules[0].match.header[\"x tenant\"]", at: "\"x tenant\"", in: json,
                             "\"x tenant\" is not a valid header name (RFC 9110 token characters only)"),
            ConfigTest.error("rules[0].match.header.x-a", at: "\"x-a\"", in: json,
                             "header \"x-a\" is already set as \"X-A\" (header names ignore case)"),
            ConfigTest.error("rules[0].match.tenant", at: "[]", in: json, "must list at least one name"),
            ConfigTest.error("rules[0].match.path_prefix", at: "\"v1\"", in: json, "expected a request path starting with '/', got \"v1\""),
            ConfigTest.error("rules[0].match.max_prompt_tokens", at: "5,", in: json,
                             "max_prompt_tokens (5) is below min_prompt_tokens (10); the rule could never match"),
            ConfigTest.error("rules[0].match.tools", at: "\"yes\"", in: json, "expected true or false, got string \"yes\""),
            ConfigTest.error("rules[0].match.last_user_message", at: "\"\"}", in: json, "must not be empty"),
        ])
    }

    @Test func poolHeadersAreLowercasedAndGuarded() {
        let json = """
            {"pools": {"p": {"endpoints": ["http://127.0.0.1:1"], "host": "bad host",
              "headers": {"Host": "x", "Content-Length": "1", "Connection": "close", "x-bad": "a\\r\\nb", "X-Ok": "y"}}},
             "default": {"pool": "p"}}
            """
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("pools.p.host", at: "\"bad host\"", in: json,
                             "expected a host name or address with an optional :port, got \"bad host\""),
            ConfigTest.error("pools.p.headers.Host", at: "\"x\"", in: json, "set the Host header with the pool's \"host\" field"),
            ConfigTest.error("pools.p.headers.Content-Length", at: "\"1\"", in: json,
                             "\"content-length\" is framing; Ringway sets it from the request body"),
            ConfigTest.error("pools.p.headers.Connection", at: "\"close\"", in: json,
                             "\"connection\" is a hop-by-hop field; Ringway manages it"),
            ConfigTest.error("pools.p.headers.x-bad", at: "\"a\\r", in: json, "header value contains CR, LF or NUL"),
        ])
    }

    @Test func poolPolicyConsistency() {
        let json = """
            {"pools": {
              "a": {"endpoints": ["http://127.0.0.1:1"], "queue": {"max_waiting": 4}},
              "b": {"endpoints": ["http://127.0.0.1:1"], "strategy": "load_aware"},
              "c": {"endpoints": ["http://127.0.0.1:1"], "health_check": {"interval_ms": 100, "timeout_ms": 200, "path": "health"}}
            }, "default": {"pool": "a"}, "retry": {"try_timeout_ms": 10, "total_timeout_ms": 5}}
            """
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("pools.a.queue", at: "{\"max_waiting\"", in: json,
                             "\"queue\" has no effect without \"max_concurrency\" (requests only wait when the pool is at its limit)"),
            ConfigTest.error("pools.b.strategy", at: "\"load_aware\"", in: json,
                             "\"load_aware\" steers by scraped server metrics; set \"metrics\" to true or an object"),
            ConfigTest.error("pools.c.health_check.timeout_ms", at: "200", in: json, "timeout_ms (200) must not exceed interval_ms (100)"),
            ConfigTest.error("pools.c.health_check.path", at: "\"health\"", in: json,
                             "expected a request path starting with '/', got \"health\""),
            ConfigTest.error("retry.try_timeout_ms", at: "10,", in: json, "try_timeout_ms (10) must not exceed total_timeout_ms (5)"),
        ])
    }

    @Test func namesMustBePrintable() {
        let json = """
            {"pools": {"my pool": {"endpoints": ["http://127.0.0.1:1"]}}, "models": {"": {"pool": "my pool"}}}
            """
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("pools[\"my pool\"]", at: "\"my pool\"", in: json,
                             "pool name \"my pool\" may not contain spaces, control characters, '\"' or '\\'"),
            ConfigTest.error("models[\"\"]", at: "\"\": {", in: json, "model name must not be empty"),
        ])
    }

    @Test func keySecretsAreNeverEchoed() {
        let json = """
            {"pools": {"p": {"endpoints": ["http://127.0.0.1:1"]}}, "default": {"pool": "p"},
             "keys": [{"name": "a", "key": "sk live"}, {"name": "b", "key": "${EMPTY}"}]}
            """
        let errors = ConfigTest.errors(json, env: ["EMPTY": ""])
        #expect(errors.map(\.reason) == [
            "must not contain spaces or control characters",
            "must not be empty (an unset variable substituted as empty?)",
        ])
        #expect(!errors.description.contains("sk live"))
    }
}
