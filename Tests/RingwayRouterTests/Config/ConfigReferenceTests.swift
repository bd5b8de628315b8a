import Testing
@testable import RingwayRouter

/// Whole-config checks: references resolve, names do not collide, fallback
/// chains end, splits can send traffic somewhere, `cheapest` can compare.
@Suite struct ConfigReferenceTests {
    @Test func atLeastOnePool() {
        #expect(ConfigTest.errors("{}") == [
            ConfigError(path: "pools", line: 1, column: 1, reason: "at least one pool is required"),
            ConfigError(path: "models", line: 1, column: 1, reason:
                "model routes (/v1/chat/completions, /v1/completions, /v1/embeddings, …) need at least one model or a \"default\" target"),
        ])
        let json = "{\n  \"pools\": {},\n  \"default\": {\"model\": \"x\"}\n}"
        #expect(ConfigTest.errors(json) == [
            ConfigError(path: "pools", line: 2, column: 12, reason: "at least one pool is required"),
            ConfigError(path: "default.model", line: 3, column: 24, reason: "unknown model \"x\" (none are defined)"),
        ])
    }

    @Test func everyPoolReferenceMustExist() {
        let json = """
            {
              "pools": {"vllm": {"endpoints": ["http://127.0.0.1:1"]}, "openai": {"endpoints": ["https://api.openai.com"]}},
              "models": {"m": {"pool": "vlm"}},
              "routes": [{"prefix": "/v1/messages", "pool": "anthropic"}],
              "rules": [{"pool": "opena"}],
              "default": {"pool": "gpu"},
              "shadows": [{"model": "m", "pool": "canary", "fraction": 0.1}]
            }
            """
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("models.m.pool", at: "\"vlm\"", in: json, "unknown pool \"vlm\" (did you mean \"vllm\"?)"),
            ConfigTest.error("routes[0].pool", at: "\"anthropic\"", in: json, "unknown pool \"anthropic\" (defined: \"vllm\", \"openai\")"),
            ConfigTest.error("rules[0].pool", at: "\"opena\"", in: json, "unknown pool \"opena\" (did you mean \"openai\"?)"),
            ConfigTest.error("default.pool", at: "\"gpu\"", in: json, "unknown pool \"gpu\" (defined: \"vllm\", \"openai\")"),
            ConfigTest.error("shadows[0].pool", at: "\"canary\"", in: json, "unknown pool \"canary\" (defined: \"vllm\", \"openai\")"),
        ])
    }

    @Test func everyModelReferenceMustExistByName() {
        let json = """
            {
              "pools": {"p": {"endpoints": ["http://127.0.0.1:1"]}},
              "models": {
                "gpt-4o": {"pool": "p", "aliases": ["4o"], "price": {"input": 2.5, "output": 10}, "fallbacks": ["gpt4o-mini", "4o"]},
                "gpt-4o-mini": {"pool": "p"}
              },
              "rules": [{"model": "gpt-40"}, {"cheapest": ["gpt-4o", "claude"]}],
              "default": {"cheapest": ["4o"]},
              "splits": [{"model": "chat", "targets": [{"model": "gpt-4o", "weight": 1}, {"model": "llama", "weight": 1}]}],
              "shadows": [{"model": "gpt-4o-mini", "pool": "p", "fraction": 0.5}, {"model": "4o", "pool": "p", "fraction": 0}]
            }
            """
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("models.gpt-4o.fallbacks[0]", at: "\"gpt4o-mini\"", in: json,
                             "unknown model \"gpt4o-mini\" (did you mean \"gpt-4o-mini\"?)"),
            ConfigTest.error("models.gpt-4o.fallbacks[1]", at: "\"4o\"]}", in: json,
                             "\"4o\" is an alias of model \"gpt-4o\"; refer to the model by its name"),
            ConfigTest.error("rules[0].model", at: "\"gpt-40\"", in: json, "unknown model \"gpt-40\" (did you mean \"gpt-4o\"?)"),
            ConfigTest.error("rules[1].cheapest[1]", at: "\"claude\"", in: json,
                             "unknown model \"claude\" (defined: \"gpt-4o\", \"gpt-4o-mini\")"),
            ConfigTest.error("default.cheapest[0]", at: "\"4o\"]}", in: json, occurrence: 2,
                             "\"4o\" is an alias of model \"gpt-4o\"; refer to the model by its name"),
            ConfigTest.error("splits[0].model", at: "\"chat\"", in: json, "unknown model \"chat\" (defined: \"gpt-4o\", \"gpt-4o-mini\")"),
            ConfigTest.error("splits[0].targets[1].model", at: "\"llama\"", in: json,
                             "unknown model \"llama\" (defined: \"gpt-4o\", \"gpt-4o-mini\")"),
            ConfigTest.error("shadows[1].model", at: "\"4o\", \"pool\"", in: json,
                             "\"4o\" is an alias of model \"gpt-4o\"; refer to the model by its name"),
        ])
    }

    @Test func modelNamesAndAliasesMustNotCollide() {
        let json = """
            {
              "pools": {"p": {"endpoints": ["http://127.0.0.1:1"]}},
              "models": {
                "llama": {"pool": "p", "aliases": ["l3", "llama", "l3"]},
                "qwen": {"pool": "p", "aliases": ["l3", "mistral"]},
                "mistral": {"pool": "p"}
              }
            }
            """
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("models.llama.aliases[1]", at: "\"llama\", \"l3\"", in: json, "alias repeats the model's own name"),
            ConfigTest.error("models.llama.aliases[2]", at: "\"l3\"]", in: json, "alias \"l3\" is already an alias of this model"),
            ConfigTest.error("models.qwen.aliases[0]", at: "\"l3\", \"mistral\"", in: json,
                             "alias \"l3\" is already an alias of model \"llama\""),
            ConfigTest.error("models.qwen.aliases[1]", at: "\"mistral\"]", in: json, "alias \"mistral\" is already the name of a model"),
        ])
    }

    @Test func fallbackCyclesAreReportedWithTheLoop() {
        let json = """
            {
              "pools": {"p": {"endpoints": ["http://127.0.0.1:1"]}},
              "models": {
                "a": {"pool": "p", "fallbacks": ["b"]},
                "b": {"pool": "p", "fallbacks": ["c", "d"]},
                "c": {"pool": "p", "fallbacks": ["a"]},
                "d": {"pool": "p", "fallbacks": ["d"]},
                "e": {"pool": "p", "fallbacks": ["a", "a"]}
              }
            }
            """
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("models.c.fallbacks[0]", at: "\"a\"]}", in: json, "fallback cycle: a → b → c → a"),
            ConfigTest.error("models.d.fallbacks[0]", at: "\"d\"]}", in: json, occurrence: 2, "fallback cycle: d → d"),
            ConfigTest.error("models.e.fallbacks[1]", at: "\"a\"]}", in: json, occurrence: 2, "model \"a\" is already a fallback"),
        ])
        #expect(FallbackCycles.find(in: [ModelConfig(name: "x", pool: "p")]).isEmpty)
    }

    @Test func splitsNeedAPositiveWeightAndUniqueNames() {
        let json = """
            {
              "pools": {"p": {"endpoints": ["http://127.0.0.1:1"]}},
              "models": {"a": {"pool": "p"}, "b": {"pool": "p"}},
              "splits": [
                {"name": "ab", "model": "a", "targets": [{"model": "a", "weight": 0}, {"model": "b", "weight": 0}]},
                {"name": "ab", "model": "a", "targets": [{"model": "b", "weight": 1}]},
                {"model": "b", "targets": []}
              ]
            }
            """
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("splits[0].targets", at: "[{\"model\": \"a\", \"weight\": 0}", in: json,
                             "target weights sum to 0; at least one must be positive"),
            ConfigTest.error("splits[1].name", at: "\"ab\"", in: json, occurrence: 2, "split name \"ab\" is already used by splits[0]"),
            ConfigTest.error("splits[1].model", at: "\"a\", \"targets\": [{\"model\": \"b\"", in: json,
                             "model \"a\" is already split by splits[0]"),
            ConfigTest.error("splits[2].targets", at: "[]}", in: json, "a split needs at least one target"),
        ])
    }

    @Test func cheapestCandidatesNeedPrices() {
        let json = """
            {
              "pools": {"p": {"endpoints": ["http://127.0.0.1:1"]}},
              "models": {"priced": {"pool": "p", "price": {"input": 1, "output": 2}}, "free": {"pool": "p"},
                         "broken": {"pool": "p", "price": {"input": 1}}},
              "rules": [{"cheapest": ["priced", "free", "priced", "broken"]}]
            }
            """
        // "broken" has a price the decoder already refused: one error for it, not two.
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("models.broken.price.output", at: "{\"input\": 1}", in: json, "required field is missing"),
            ConfigTest.error("rules[0].cheapest[1]", at: "\"free\", \"priced\"", in: json,
                             "model \"free\" has no \"price\"; every \"cheapest\" candidate needs one"),
            ConfigTest.error("rules[0].cheapest[2]", at: "\"priced\", \"broken\"", in: json, "model \"priced\" is already a candidate"),
        ])
    }

    @Test func modelRoutesNeedAModelOrADefault() {
        let json = "{\n  \"pools\": {\"p\": {\"endpoints\": [\"http://127.0.0.1:1\"]}}\n}"
        #expect(ConfigTest.errors(json) == [ConfigError(
            path: "models", line: 2, column: 12,
            reason: "model routes (/v1/chat/completions, /v1/completions, /v1/embeddings, …) need at least one model or a \"default\" target")])
        // Pass-through only: no model routes left, nothing to require.
        let passthrough = """
            {"pools": {"p": {"endpoints": ["http://127.0.0.1:1"]}},
             "routes": [{"path": "/v1/chat/completions", "pool": "p"}, {"path": "/v1/completions", "pool": "p"},
                        {"path": "/v1/embeddings", "pool": "p"}, {"path": "/v1/responses", "pool": "p"}]}
            """
        #expect(ConfigTest.valid(passthrough) != nil)
    }

    @Test func keysAndPriorityClasses() {
        let json = """
            {
              "pools": {"p": {"endpoints": ["http://127.0.0.1:1"]}},
              "models": {"m": {"pool": "p"}},
              "priority": {"classes": ["gold", "silver", "gold"], "default": "bronze"},
              "keys": [{"name": "a", "key": "k1", "priority": "gld"}, {"name": "a", "key": "k1"}],
              "rules": [{"match": {"key": ["a", "team-b"]}, "model": "m"}]
            }
            """
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("priority.classes[2]", at: "\"gold\"]", in: json, "priority class \"gold\" is listed twice"),
            ConfigTest.error("priority.default", at: "\"bronze\"", in: json,
                             "unknown priority class \"bronze\" (defined: \"gold\", \"silver\")"),
            ConfigTest.error("keys[0].priority", at: "\"gld\"", in: json, "unknown priority class \"gld\" (did you mean \"gold\"?)"),
            ConfigTest.error("keys[1].name", at: "\"a\", \"key\": \"k1\"}", in: json, "key name \"a\" is already used by keys[0]"),
            ConfigTest.error("keys[1].key", at: "\"k1\"}", in: json, "the same key value is already given to keys[0]"),
            ConfigTest.error("rules[0].match.key[1]", at: "\"team-b\"", in: json, "unknown key \"team-b\" (defined: \"a\")"),
        ])
    }

    @Test func requireKeyNeedsKeys() {
        #expect(ConfigTest.errors(ConfigTest.with(#"  "require_key": true"#)).map(\.reason) == [
            "\"require_key\" is true but no \"keys\" are configured; every request would be refused",
        ])
    }

    @Test func duplicateNamesInListsAreErrors() {
        let json = ConfigTest.with("""
              "rules": [{"name": "r", "model": "m"}, {"name": "r", "pool": "p"}],
              "routes": [{"path": "/a", "to": "model"}, {"path": "/a", "pool": "p"}, {"prefix": "/a", "pool": "p"}],
              "shadows": [{"model": "m", "pool": "p", "fraction": 0.1}, {"model": "m", "pool": "p", "fraction": 0.2}],
              "admin": {"listen": "127.0.0.1:8080"}, "listen": "127.0.0.1:8080"
            """)
        #expect(ConfigTest.errors(json).map { "\($0.path): \($0.reason)" } == [
            "rules[1].name: rule name \"r\" is already used by rules[0]",
            "routes[1]: path /a is already routed by routes[0]",
            "shadows[1].model: model \"m\" is already shadowed by shadows[0]",
            "admin.listen: the admin listener must not share the client listener's address \"127.0.0.1:8080\"",
        ])
    }

    @Test func oneMistakeGivesOneMessage() {
        // A model whose "pool" has the wrong type is not also an unknown pool;
        // a pool that failed to decode still resolves as a reference.
        let json = """
            {"pools": {"p": 5}, "models": {"m": {"pool": 7}}, "default": {"pool": "p"}}
            """
        #expect(ConfigTest.errors(json).map(\.path) == ["pools.p", "models.m.pool"])
    }
}
