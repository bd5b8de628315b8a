import Foundation
import Glibc
import Testing

/// Model routing end to end: real `ringway serve --config` in front of
/// several `ringway-bench upstream` mocks.
extension EndToEnd {
    @Suite struct Routing {
        /// Two pools, one mock each, models with an alias and an upstream name.
        static func twoPools(_ a: BenchMock, _ b: BenchMock, extra: String = "") -> String {
            """
            {
              "admin": null,
              "pools": {
                "pa": {"endpoints": ["\(a.url)"]},
                "pb": {"endpoints": ["\(b.url)"]}
              },
              "models": {
                "small": {"pool": "pa", "upstream_model": "org/small-v1"},
                "large": {"pool": "pb", "aliases": ["big"]}
              }\(extra)
            }
            """
        }

        @Test func routesByModelAndSplicesTheUpstreamName() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let proxy = try ConfiguredProxy(config: Self.twoPools(a, b))
            defer { proxy.stop() }

            let small = try proxy.send(chatRequest(model: "small"))
            #expect(small.status == 200, "\(small.text)\n\(proxy.logs)")
            #expect(try small.json()["model"] as? String == "org/small-v1")
            let route = routeFields(small)
            #expect(route["model"] == "small")
            #expect(route["pool"] == "pa")
            #expect(route["endpoint"] == a.url)
            #expect(route["attempt"] == "1")

            // An alias reaches its model's pool under the model's own name.
            let big = try proxy.send(chatRequest(model: "big"))
            #expect(big.status == 200)
            #expect(routeFields(big)["pool"] == "pb")
            #expect(try big.json()["model"] as? String == "large")
            #expect(try a.requestsSeen().count == 1)
            #expect(try b.requestsSeen().count == 1)
        }

        @Test func unknownModelIs404AndTheConnectionStaysUsable() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let proxy = try ConfiguredProxy(config: Self.twoPools(a, b))
            defer { proxy.stop() }
            let client = try proxy.connect()
            defer { client.close() }
            try client.send(chatRequest(model: "gpt-9"))
            let missing = try client.readResponse(method: "POST")
            #expect(missing.status == 404)
            let error = try missing.json()["error"] as? [String: Any]
            #expect(error?["code"] as? String == "model_not_found")
            #expect((error?["message"] as? String)?.contains("gpt-9") == true)
            try client.send(chatRequest(model: "small"))
            #expect(try client.readResponse(method: "POST").status == 200)
        }

        @Test func chunkedAndMultiBufferBodiesAreInspectedAndSpliced() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let proxy = try ConfiguredProxy(config: Self.twoPools(a, b))
            defer { proxy.stop() }
            // Chunked, the model name split across two chunks.
            let pieces = [#"{"model":"sm"#, #"all","messages":"#, #"[{"role":"user","content":"hi"}]}"#]
            var chunked = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
            for piece in pieces { chunked += String(piece.utf8.count, radix: 16) + "\r\n" + piece + "\r\n" }
            chunked += "0\r\n\r\n"
            let r = try proxy.send(chunked)
            #expect(r.status == 200, "\(r.text)\n\(proxy.logs)")
            #expect(try r.json()["model"] as? String == "org/small-v1")
            // 300 KB of prompt: many receive buffers, one inspection.
            let big = try proxy.send(chatRequest(model: "small", content: String(repeating: "lorem ipsum ", count: 25_000)))
            #expect(big.status == 200)
            #expect(try big.json()["model"] as? String == "org/small-v1")
        }

        @Test func invalidJSONIs400() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let proxy = try ConfiguredProxy(config: Self.twoPools(a, b))
            defer { proxy.stop() }
            let bad = try proxy.send(HTTPRequest.make(method: "POST", path: "/v1/chat/completions",
                                                      headers: [("Content-Type", "application/json")],
                                                      body: #"{"model":"small","messages":[}"#))
            #expect(bad.status == 400)
            let error = try bad.json()["error"] as? [String: Any]
            #expect(error?["code"] as? String == "invalid_json")
            #expect(try a.requestsSeen().isEmpty)
        }

        @Test func modelListComesFromTheCatalog() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let proxy = try ConfiguredProxy(config: Self.twoPools(a, b))
            defer { proxy.stop() }
            let client = try proxy.connect()
            defer { client.close() }
            try client.send(HTTPRequest.get("/v1/models"))
            let list = try client.readResponse()
            #expect(list.status == 200)
            let ids = (try list.json()["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(ids == ["small", "large", "big"])
            // Keep-alive: the same connection serves a model request next.
            try client.send(chatRequest(model: "large"))
            #expect(try client.readResponse(method: "POST").status == 200)
        }

        @Test func passthroughPrefixGoesToItsPool() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let proxy = try ConfiguredProxy(config: Self.twoPools(a, b, extra: """
                ,
                "routes": [{"prefix": "/echo", "pool": "pb"}]
                """))
            defer { proxy.stop() }
            let echoed = try proxy.send(HTTPRequest.make(method: "POST", path: "/echo", body: "ping"))
            #expect(echoed.status == 200, "\(echoed.text)\n\(proxy.logs)")
            #expect(routeFields(echoed)["pool"] == "pb")
            let unrouted = try proxy.send(HTTPRequest.get("/nowhere"), method: "GET")
            #expect(unrouted.status == 404)
        }

        @Test func aDeadEndpointIsRetriedOnAnotherBeforeTheClientSeesIt() throws {
            let a = try BenchMock()
            defer { a.stop() }
            let dead = try unusedLoopbackPort()
            let proxy = try ConfiguredProxy(config: """
                {"admin": null,
                 "pools": {"p": {"endpoints": ["http://127.0.0.1:\(dead)", "\(a.url)"]}},
                 "models": {"m": {"pool": "p"}}}
                """)
            defer { proxy.stop() }
            var retried = 0
            for _ in 0..<6 {
                let r = try proxy.send(chatRequest(model: "m"))
                #expect(r.status == 200, "\(r.text)\n\(proxy.logs)")
                #expect(routeFields(r)["endpoint"] == a.url)
                if routeFields(r)["attempt"] == "2" { retried += 1 }
            }
            #expect(retried >= 1)
        }

        @Test func aFailingModelFallsBackDownItsChain() throws {
            let backup = try BenchMock()
            defer { backup.stop() }
            let dead = try unusedLoopbackPort()
            let proxy = try ConfiguredProxy(config: """
                {"admin": null,
                 "pools": {"primary": {"endpoints": ["http://127.0.0.1:\(dead)"]},
                           "spare": {"endpoints": ["\(backup.url)"]}},
                 "models": {"main": {"pool": "primary", "fallbacks": ["reserve"]},
                            "reserve": {"pool": "spare", "upstream_model": "reserve-v2"}}}
                """)
            defer { proxy.stop() }
            let r = try proxy.send(chatRequest(model: "main"))
            #expect(r.status == 200, "\(r.text)\n\(proxy.logs)")
            #expect(routeFields(r)["model"] == "reserve")
            #expect(routeFields(r)["attempt"] == "2")
            #expect(try r.json()["model"] as? String == "reserve-v2")
        }

        @Test func anUpstream503IsRetriedThenRelayedWhenEveryAttemptFails() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let proxy = try ConfiguredProxy(config: """
                {"admin": null,
                 "pools": {"p": {"endpoints": ["\(a.url)", "\(b.url)"]}},
                 "models": {"m": {"pool": "p"}},
                 "retry": {"max_attempts": 3, "backoff_ms": 1}}
                """)
            defer { proxy.stop() }
            let r = try proxy.send(chatRequest(model: "m", headers: [("x-mock-status", "503")]))
            // Both endpoints answered 503: the last answer is the client's.
            #expect(r.status == 503)
            #expect(routeFields(r)["attempt"] == "2")
            #expect(try a.requestsSeen().count == 1)
            #expect(try b.requestsSeen().count == 1)
        }

        @Test func prefixAffinityKeepsARepeatedPromptOnOneEndpoint() throws {
            let mocks = try (0..<3).map { _ in try BenchMock() }
            defer { mocks.forEach { $0.stop() } }
            let endpoints = mocks.map { "\"\($0.url)\"" }.joined(separator: ",")
            let proxy = try ConfiguredProxy(config: """
                {"admin": null,
                 "pools": {"p": {"endpoints": [\(endpoints)], "strategy": "prefix_affinity",
                                 "affinity": {"prefix_bytes": 64, "load_factor": 1.25}}},
                 "models": {"m": {"pool": "p"}}}
                """)
            defer { proxy.stop() }
            var seen: [String: Set<String>] = [:]
            for round in 0..<3 {
                for prompt in 0..<12 {
                    // 64 bytes of prefix: the system prompt and the start of
                    // the user turn, which differs per conversation only.
                    let content = "conversation \(prompt) " + String(repeating: "-", count: 60) + " turn \(round)"
                    let r = try proxy.send(chatRequest(model: "m", content: content))
                    #expect(r.status == 200)
                    seen["conversation \(prompt)", default: []].insert(routeFields(r)["endpoint"] ?? "?")
                }
            }
            // Every request of one conversation lands on one endpoint.
            for (_, endpoints) in seen { #expect(endpoints.count == 1) }
            #expect(Set(seen.values.flatMap { $0 }).count >= 2, "twelve conversations should not all share one endpoint")
        }

        @Test func rulesPickTheModelByHeaderAndByMessageText() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let proxy = try ConfiguredProxy(config: Self.twoPools(a, b, extra: """
                ,
                "rules": [
                  {"name": "tenant-acme", "match": {"header": {"x-tenant": "acme"}}, "model": "large"},
                  {"name": "translations", "match": {"last_user_message": "(?i)translate"}, "pool": "pb"}
                ]
                """))
            defer { proxy.stop() }
            let plain = try proxy.send(chatRequest(model: "small"))
            #expect(routeFields(plain)["rule"] == "-")
            #expect(routeFields(plain)["pool"] == "pa")
            let acme = try proxy.send(chatRequest(model: "small", headers: [("X-Tenant", "acme")]))
            #expect(routeFields(acme)["rule"] == "tenant-acme")
            #expect(routeFields(acme)["model"] == "large")
            let translate = try proxy.send(chatRequest(model: "small", content: "Please TRANSLATE this"))
            #expect(routeFields(translate)["rule"] == "translations")
            #expect(routeFields(translate)["pool"] == "pb")
        }

        @Test func apiKeysFromTheEnvironmentAreRequired() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            setenv("RINGWAY_E2E_KEY", "sk-e2e-0123456789", 1)
            let proxy = try ConfiguredProxy(config: Self.twoPools(a, b, extra: """
                ,
                "require_key": true,
                "keys": [{"name": "team-a", "key": "${RINGWAY_E2E_KEY}"}]
                """))
            defer { proxy.stop() }
            let anonymous = try proxy.send(chatRequest(model: "small"))
            #expect(anonymous.status == 401)
            #expect((try anonymous.json()["error"] as? [String: Any])?["code"] as? String == "invalid_api_key")
            let wrong = try proxy.send(chatRequest(model: "small", headers: [("Authorization", "Bearer sk-nope")]))
            #expect(wrong.status == 401)
            let right = try proxy.send(chatRequest(model: "small",
                                                   headers: [("Authorization", "Bearer sk-e2e-0123456789")]))
            #expect(right.status == 200, "\(right.text)\n\(proxy.logs)")
        }

        @Test func sighupAndAdminReloadSwapTheConfigAndRefuseABadOne() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let proxy = try ConfiguredProxy(config: Self.twoPools(a, b))
            defer { proxy.stop() }
            #expect(routeFields(try proxy.send(chatRequest(model: "small")))["pool"] == "pa")
            try proxy.rewrite(Self.twoPools(a, b).replacingOccurrences(of: #""pool": "pa""#, with: #""pool": "pb""#))
            proxy.process.signal(SIGHUP)
            #expect(eventually(timeoutMs: 3_000) {
                (try? routeFields(proxy.send(chatRequest(model: "small")))["pool"]) == "pb"
            }, "\(proxy.logs)")
            // A broken file is refused and the running config stays.
            try proxy.rewrite(#"{"pools": {}}"#)
            proxy.process.signal(SIGHUP)
            #expect(eventually(timeoutMs: 3_000) { proxy.logs.contains("config reload refused") })
            #expect(routeFields(try proxy.send(chatRequest(model: "small")))["pool"] == "pb")
        }

        @Test func reloadUnderLoadFailsNoRequest() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let proxy = try ConfiguredProxy(config: Self.twoPools(a, b))
            defer { proxy.stop() }
            let failures = Counter(), sent = Counter()
            let stop = Counter()
            let group = DispatchGroup()
            for worker in 0..<4 {
                group.enter()
                Thread {
                    defer { group.leave() }
                    guard let client = try? proxy.connect() else { failures.add(); return }
                    defer { client.close() }
                    while stop.value == 0 {
                        do {
                            try client.send(chatRequest(model: worker % 2 == 0 ? "small" : "big", stream: worker == 3))
                            let r = try client.readResponse(method: "POST")
                            if r.status != 200 { failures.add() }
                            sent.add()
                        } catch {
                            failures.add()
                            return
                        }
                    }
                }.start()
            }
            for i in 0..<6 {
                sleepMillis(100)
                let target = i % 2 == 0 ? "pb" : "pa"
                try proxy.rewrite(Self.twoPools(a, b).replacingOccurrences(of: #""pool": "pa""#, with: #""pool": "\#(target)""#))
                proxy.process.signal(SIGHUP)
            }
            sleepMillis(200)
            stop.add()
            group.wait()
            #expect(failures.value == 0, "\(proxy.logs)")
            #expect(sent.value > 50)
            #expect(proxy.logs.components(separatedBy: "config reloaded").count - 1 == 6)
        }
    }
}

final class Counter: @unchecked Sendable {
    private var n = 0
    private let lock = NSLock()
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}

extension EndToEnd {
    @Suite struct Steering {
        @Test func shadowTrafficIsMirroredWithoutDelayingTheRealAnswer() throws {
            let real = try BenchMock()
            let canary = try BenchMock(flags: ["--ttft-us", "400000"])
            defer { real.stop(); canary.stop() }
            let proxy = try ConfiguredProxy(config: """
                {"admin": null,
                 "pools": {"main": {"endpoints": ["\(real.url)"]}, "canary": {"endpoints": ["\(canary.url)"]}},
                 "models": {"m": {"pool": "main"}},
                 "shadows": [{"model": "m", "pool": "canary", "fraction": 1.0}]}
                """)
            defer { proxy.stop() }
            let started = monotonicNanos()
            let r = try proxy.send(chatRequest(model: "m"))
            let elapsed = millisSince(started)
            #expect(r.status == 200)
            #expect(routeFields(r)["pool"] == "main")
            // The canary takes 400 ms to answer; the client did not wait for it.
            #expect(elapsed < 300, "real answer took \(elapsed) ms")
            #expect(eventually(timeoutMs: 3_000) { ((try? canary.requestsSeen()) ?? []).count == 1 })
            #expect(try real.requestsSeen().count == 1)
        }

        @Test func loadAwareBalancingSteersAwayFromAQueuedBackend() throws {
            // One backend with a single slot, kept busy so its queue grows;
            // the scraped vllm:num_requests_waiting must push traffic away.
            let busy = try BenchMock(flags: ["--slots", "1"])
            let idle = try BenchMock()
            defer { busy.stop(); idle.stop() }
            var holders: [RawHTTPClient] = []
            for _ in 0..<4 {
                let c = try RawHTTPClient(port: busy.port)
                try c.send(chatRequest(model: "m", headers: [("x-mock-ttft-us", "3000000")]))
                holders.append(c)
            }
            defer { holders.forEach { $0.close() } }
            let proxy = try ConfiguredProxy(config: """
                {"admin": null,
                 "pools": {"p": {"endpoints": ["\(busy.url)", "\(idle.url)"], "strategy": "load_aware",
                                 "metrics": {"interval_ms": 50, "timeout_ms": 50}}},
                 "models": {"m": {"pool": "p"}}}
                """)
            defer { proxy.stop() }
            sleepMillis(300)  // a few scrapes
            var toIdle = 0
            for _ in 0..<10 {
                let r = try proxy.send(chatRequest(model: "m"))
                if routeFields(r)["endpoint"] == idle.url { toIdle += 1 }
            }
            #expect(toIdle == 10, "\(toIdle) of 10 went to the idle backend\n\(proxy.logs)")
        }

        @Test func aFailingHealthCheckTakesAnEndpointOutOfRotation() throws {
            let healthy = try BenchMock()
            let sick = try BenchMock()
            defer { healthy.stop(); sick.stop() }
            let proxy = try ConfiguredProxy(config: """
                {"admin": null,
                 "pools": {"p": {"endpoints": ["\(healthy.url)", "\(sick.url)"],
                                 "health_check": {"interval_ms": 50, "timeout_ms": 50, "unhealthy_after": 1, "healthy_after": 1}}},
                 "models": {"m": {"pool": "p"}}}
                """)
            defer { proxy.stop() }
            sick.stop()
            #expect(eventually(timeoutMs: 3_000) { proxy.logs.contains("unhealthy") }, "\(proxy.logs)")
            for _ in 0..<6 {
                let r = try proxy.send(chatRequest(model: "m"))
                #expect(r.status == 200)
                #expect(routeFields(r)["attempt"] == "1", "an unhealthy endpoint was still tried first")
            }
        }
    }
}

extension EndToEnd {
    @Suite struct PreCommit {
        /// The flaky pool's requests carry `x-mock-fail: midstream` (a pool
        /// header), so its streams break after their first events.
        static func config(_ flaky: BenchMock, _ steady: BenchMock, window: String) -> String {
            """
            {"admin": null,
             "pools": {"flaky": {"endpoints": ["\(flaky.url)"], "headers": {"x-mock-fail": "midstream"}},
                       "steady": {"endpoints": ["\(steady.url)"]}},
             "models": {"m": {"pool": "flaky", "fallbacks": ["backup"]}, "backup": {"pool": "steady"}},
             "retry": {"max_attempts": 2, "backoff_ms": 0, \(window)}}
            """
        }

        @Test func aStreamThatBreaksInsideTheWindowIsReplacedInvisibly() throws {
            let flaky = try BenchMock(), steady = try BenchMock()
            defer { flaky.stop(); steady.stop() }
            let proxy = try ConfiguredProxy(config: Self.config(flaky, steady, window: #""pre_commit_ms": 2000, "pre_commit_events": 50"#))
            defer { proxy.stop() }
            let client = try proxy.connect()
            defer { client.close() }
            try client.send(chatRequest(model: "m", headers: [("x-mock-tokens", "8")], stream: true))
            let response = try client.readResponse(method: "POST")
            #expect(response.status == 200, "\(proxy.logs)")
            #expect(routeFields(response)["model"] == "backup")
            #expect(routeFields(response)["attempt"] == "2")
            #expect(response.text.contains("data: [DONE]"))
            #expect(!response.text.contains("\"error\""))
            #expect(try flaky.requestsSeen().count == 1)
        }

        @Test func withoutAWindowTheBrokenStreamReachesTheClientAsAnError() throws {
            let flaky = try BenchMock(), steady = try BenchMock()
            defer { flaky.stop(); steady.stop() }
            let proxy = try ConfiguredProxy(config: Self.config(flaky, steady, window: #""pre_commit_ms": 0"#))
            defer { proxy.stop() }
            let client = try proxy.connect()
            defer { client.close() }
            try client.send(chatRequest(model: "m", headers: [("x-mock-tokens", "8")], stream: true))
            let head = try client.readHead()
            #expect(head.status == 200)
            let rest = client.readUntilClose(timeoutMs: 3_000)
            #expect(String(decoding: rest.bytes, as: UTF8.self).contains("\"error\""))
            #expect(try steady.requestsSeen().isEmpty)
        }
    }
}

extension EndToEnd {
    @Suite struct Admin {
        static func config(_ a: BenchMock, _ b: BenchMock, pool: String) -> String {
            """
            {"admin": {"listen": "127.0.0.1:0"},
             "pools": {"pa": {"endpoints": ["\(a.url)"]}, "pb": {"endpoints": ["\(b.url)"]}},
             "models": {"m": {"pool": "\(pool)"}}}
            """
        }

        @Test func adminReloadSwapsTheConfigAndRefusesABadOne() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let proxy = try ConfiguredProxy(config: Self.config(a, b, pool: "pa"))
            defer { proxy.stop() }
            #expect(try proxy.admin("GET", "/healthz").status == 200)
            #expect(try proxy.admin("GET", "/readyz").status == 200)
            #expect(try proxy.send(chatRequest(model: "m")).status == 200)
            // Workers publish their figures a few times a second.
            var state: [String: Any] = [:]
            #expect(eventually(timeoutMs: 2_000) {
                state = (try? proxy.admin("GET", "/admin/state").json()) ?? [:]
                let pools = state["pools"] as? [[String: Any]]
                let endpoint = (pools?.first?["endpoints"] as? [[String: Any]])?.first
                return endpoint?["requests"] as? Int == 1
            }, "\(state)")
            #expect(state["config_version"] as? Int == 1)
            #expect(state["workers"] as? Int == 1)
            let endpoint = ((state["pools"] as? [[String: Any]])?.first?["endpoints"] as? [[String: Any]])?.first
            #expect(endpoint?["breaker"] as? String == "closed")
            #expect(endpoint?["healthy"] as? Bool == true)
            #expect((endpoint?["ewma_latency_ms"] as? Double ?? 0) > 0)

            try proxy.rewrite(Self.config(a, b, pool: "pb"))
            let reloaded = try proxy.admin("POST", "/admin/reload")
            #expect(reloaded.status == 200, "\(reloaded.text)")
            #expect(try reloaded.json()["version"] as? Int == 2)
            #expect(routeFields(try proxy.send(chatRequest(model: "m")))["pool"] == "pb")

            try proxy.rewrite(#"{"pools": {"x": {"endpoints": ["htp://nowhere"]}}}"#)
            let refused = try proxy.admin("POST", "/admin/reload")
            #expect(refused.status == 400)
            #expect(refused.text.contains("pools.x.endpoints[0]"))
            #expect(routeFields(try proxy.send(chatRequest(model: "m")))["pool"] == "pb")
            #expect(try proxy.admin("GET", "/admin/state").json()["config_version"] as? Int == 2)
            #expect(try proxy.admin("GET", "/nope").status == 404)
        }
    }
}

extension EndToEnd {
    @Suite struct ContextAndBudget {
        @Test func aContextLengthErrorFallsBackToTheLongerModel() throws {
            // The short model's server refuses prompts over 64 tokens the way
            // vLLM does; the long model takes them.
            let short = try BenchMock(flags: ["--context-window", "64"])
            let long = try BenchMock()
            defer { short.stop(); long.stop() }
            let proxy = try ConfiguredProxy(config: """
                {"admin": null,
                 "pools": {"s": {"endpoints": ["\(short.url)"]}, "l": {"endpoints": ["\(long.url)"]}},
                 "models": {"short": {"pool": "s", "fallbacks": ["long"], "fallback_on": ["context_length"]},
                            "long": {"pool": "l"}}}
                """)
            defer { proxy.stop() }
            let small = try proxy.send(chatRequest(model: "short", content: "hi"))
            #expect(small.status == 200)
            #expect(routeFields(small)["model"] == "short")
            let big = try proxy.send(chatRequest(model: "short", content: String(repeating: "token ", count: 100)))
            #expect(big.status == 200, "\(big.text)\n\(proxy.logs)")
            #expect(routeFields(big)["model"] == "long")
            #expect(routeFields(big)["attempt"] == "2")
        }

        @Test func anotherClientErrorIsRelayedAsItIs() throws {
            let short = try BenchMock(flags: ["--context-window", "64"])
            let long = try BenchMock()
            defer { short.stop(); long.stop() }
            // Without "context_length" in fallback_on the 400 is the answer.
            let proxy = try ConfiguredProxy(config: """
                {"admin": null,
                 "pools": {"s": {"endpoints": ["\(short.url)"]}, "l": {"endpoints": ["\(long.url)"]}},
                 "models": {"short": {"pool": "s", "fallbacks": ["long"], "fallback_on": ["5xx"]},
                            "long": {"pool": "l"}}}
                """)
            defer { proxy.stop() }
            let big = try proxy.send(chatRequest(model: "short", content: String(repeating: "token ", count: 100)))
            #expect(big.status == 400)
            #expect((try big.json()["error"] as? [String: Any])?["code"] as? String == "context_length_exceeded")
            #expect(try long.requestsSeen().isEmpty)
        }

        @Test func theTotalTimeoutBoundsEveryAttempt() throws {
            let slow = try BenchMock(), slower = try BenchMock()
            defer { slow.stop(); slower.stop() }
            let proxy = try ConfiguredProxy(config: """
                {"admin": null,
                 "pools": {"p": {"endpoints": ["\(slow.url)", "\(slower.url)"]}},
                 "models": {"m": {"pool": "p"}},
                 "retry": {"max_attempts": 3, "backoff_ms": 0, "try_timeout_ms": 200, "total_timeout_ms": 300}}
                """)
            defer { proxy.stop() }
            let started = monotonicNanos()
            let r = try proxy.send(chatRequest(model: "m", headers: [("x-mock-ttft-us", "2000000")]))
            let elapsed = millisSince(started)
            #expect(r.status == 504)
            #expect(elapsed >= 280 && elapsed < 1_000, "took \(elapsed) ms")
        }
    }
}

extension EndToEnd {
    @Suite struct CostAndSplits {
        @Test func cheapestPicksTheLeastCostlyCapableModel() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let proxy = try ConfiguredProxy(config: """
                {"admin": null,
                 "pools": {"pa": {"endpoints": ["\(a.url)"]}, "pb": {"endpoints": ["\(b.url)"]}},
                 "models": {"premium": {"pool": "pa", "price": {"input": 2.5, "output": 10}, "capabilities": ["tools"]},
                            "budget": {"pool": "pb", "price": {"input": 0.15, "output": 0.6}}},
                 "rules": [{"name": "auto", "match": {"model": ["auto"]}, "cheapest": ["premium", "budget"]}]}
                """)
            defer { proxy.stop() }
            let plain = try proxy.send(chatRequest(model: "auto"))
            #expect(plain.status == 200, "\(plain.text)\n\(proxy.logs)")
            #expect(routeFields(plain)["model"] == "budget")
            #expect(routeFields(plain)["rule"] == "auto")
            // Tools: only the premium model can serve it.
            let tools = try proxy.send(chatRequest(
                model: "auto", extra: #","tools":[{"type":"function","function":{"name":"f","parameters":{}}}]"#))
            #expect(routeFields(tools)["model"] == "premium")
        }

        @Test func aSplitIsStickyPerUserAndUsesEveryArm() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let proxy = try ConfiguredProxy(config: """
                {"admin": null,
                 "pools": {"pa": {"endpoints": ["\(a.url)"]}, "pb": {"endpoints": ["\(b.url)"]}},
                 "models": {"chat": {"pool": "pa"}, "chat-a": {"pool": "pa"}, "chat-b": {"pool": "pb"}},
                 "splits": [{"name": "ab", "model": "chat", "targets": [{"model": "chat-a", "weight": 50},
                                                                         {"model": "chat-b", "weight": 50}],
                             "sticky": "user"}]}
                """)
            defer { proxy.stop() }
            var arms: [String: Set<String>] = [:]
            for round in 0..<3 {
                for user in 0..<16 {
                    let r = try proxy.send(chatRequest(model: "chat", content: "q\(round)", extra: #","user":"u\#(user)""#))
                    #expect(r.status == 200)
                    arms["u\(user)", default: []].insert(routeFields(r)["model"] ?? "?")
                }
            }
            for (user, seen) in arms { #expect(seen.count == 1, "\(user) saw \(seen)") }
            #expect(Set(arms.values.flatMap { $0 }) == ["chat-a", "chat-b"])
        }
    }
}

extension EndToEnd {
    @Suite struct ModelRouteFraming {
        static func proxy(_ a: BenchMock, _ b: BenchMock) throws -> ConfiguredProxy {
            try ConfiguredProxy(config: EndToEnd.Routing.twoPools(a, b))
        }

        @Test func pipelinedModelRequestsAreAnsweredInOrder() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let proxy = try Self.proxy(a, b)
            defer { proxy.stop() }
            let client = try proxy.connect()
            defer { client.close() }
            // Three requests in one write: two pools and an unknown model.
            try client.send(chatRequest(model: "small") + chatRequest(model: "gpt-unknown") + chatRequest(model: "big"))
            let first = try client.readResponse(method: "POST")
            let second = try client.readResponse(method: "POST")
            let third = try client.readResponse(method: "POST")
            #expect(first.status == 200 && routeFields(first)["pool"] == "pa")
            #expect(second.status == 404)
            #expect(third.status == 200 && routeFields(third)["pool"] == "pb", "\(proxy.logs)")
        }

        @Test func expectContinueIsAnsweredBeforeTheBodyIsSent() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let proxy = try Self.proxy(a, b)
            defer { proxy.stop() }
            let client = try proxy.connect()
            defer { client.close() }
            let body = #"{"model":"small","messages":[{"role":"user","content":"hi"}]}"#
            try client.send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Expect: 100-continue\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
            let interim = try client.readHead()
            #expect(interim.status == 100)
            try client.send(body)
            let r = try client.readResponse(method: "POST")
            #expect(r.status == 200)
            #expect(try r.json()["model"] as? String == "org/small-v1")
        }

        @Test func anHTTP10ClientIsRoutedAndClosed() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let proxy = try Self.proxy(a, b)
            defer { proxy.stop() }
            let client = try proxy.connect()
            defer { client.close() }
            let body = #"{"model":"big","messages":[{"role":"user","content":"hi"}]}"#
            try client.send("POST /v1/chat/completions HTTP/1.0\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n" + body)
            let r = try client.readResponse(method: "POST")
            #expect(r.status == 200)
            #expect(routeFields(r)["pool"] == "pb")
            #expect(client.waitForClose(timeoutMs: 2_000))
        }
    }
}

extension EndToEnd {
    @Suite struct Metrics {
        @Test func metricsCountRequestsByModelPoolEndpointAndStatus() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let proxy = try ConfiguredProxy(config: """
                {"admin": {"listen": "127.0.0.1:0"},
                 "pools": {"pa": {"endpoints": ["\(a.url)"]}, "pb": {"endpoints": ["\(b.url)"]}},
                 "models": {"small": {"pool": "pa"}, "large": {"pool": "pb"}}}
                """)
            defer { proxy.stop() }
            for _ in 0..<3 { #expect(try proxy.send(chatRequest(model: "small")).status == 200) }
            #expect(try proxy.send(chatRequest(model: "large")).status == 200)
            #expect(try proxy.send(chatRequest(model: "missing")).status == 404)
            let scrape = try proxy.admin("GET", "/metrics")
            #expect(scrape.status == 200)
            #expect(scrape.head.value("content-type")?.hasPrefix("text/plain") == true)
            let text = scrape.text
            #expect(text.contains(#"ringway_requests_total{model="small",pool="pa",endpoint="\#(a.url)",code="2xx"} 3"#), "\(text)")
            #expect(text.contains(#"ringway_requests_total{model="large",pool="pb",endpoint="\#(b.url)",code="2xx"} 1"#))
            #expect(text.contains(#"code="404"} 1"#))
            #expect(text.contains("ringway_request_duration_seconds_bucket"))
            #expect(text.contains("ringway_config_version 1"))
            // A stream of 4 tokens: one TTFT and the gaps between the rest.
            let client = try proxy.connect()
            defer { client.close() }
            try client.send(chatRequest(model: "small", headers: [("x-mock-tokens", "4")], stream: true))
            #expect(try client.readResponse(method: "POST").status == 200)
            let streamed = try proxy.admin("GET", "/metrics").text
            #expect(streamed.contains(#"ringway_time_to_first_token_seconds_count{model="small"} 1"#), "\(streamed)")
            #expect(streamed.contains(#"ringway_inter_token_latency_seconds_count{model="small"}"#))
            // promtool (Debian's prometheus package) validates the exposition when present.
            let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }
            if let promtool {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: promtool)
                process.arguments = ["check", "metrics"]
                let input = Pipe(), output = Pipe()
                process.standardInput = input
                process.standardOutput = output
                process.standardError = output
                try process.run()
                input.fileHandleForWriting.write(Data(scrape.body))
                try input.fileHandleForWriting.close()
                process.waitUntilExit()
                let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                #expect(process.terminationStatus == 0, "promtool: \(said)")
            }
        }
    }
}

extension EndToEnd {
    @Suite struct Tracing {
        static func echoedTraceparents(_ response: HTTPResponse) throws -> [String] {
            let headers = try response.json()["headers"] as? [[String]] ?? []
            return headers.filter { $0.first?.lowercased() == "traceparent" }.compactMap { $0.last }
        }

        @Test func traceparentIsContinuedOrStartedForEveryRequest() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let proxy = try ConfiguredProxy(config: EndToEnd.Routing.twoPools(a, b, extra: """
                ,
                "routes": [{"prefix": "/echo", "pool": "pa"}]
                """))
            defer { proxy.stop() }
            let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            let continued = try proxy.send(HTTPRequest.make(method: "POST", path: "/echo",
                                                            headers: [("traceparent", parent)], body: "x"))
            let sent = try Self.echoedTraceparents(continued)
            #expect(sent.count == 1, "\(sent)")
            let fields = sent.first?.split(separator: "-") ?? []
            #expect(fields.count == 4)
            #expect(fields.first == "00" && fields.dropFirst().first == "4bf92f3577b34da6a3ce929d0e0e4736")
            #expect(fields.dropFirst(2).first != "00f067aa0ba902b7", "the hop needs its own span id")
            #expect(fields.last == "01")

            let started = try Self.echoedTraceparents(try proxy.send(HTTPRequest.make(method: "POST", path: "/echo", body: "x")))
            #expect(started.count == 1 && started.first?.count == 55, "\(started)")
            // A malformed one is replaced, not forwarded.
            let replaced = try Self.echoedTraceparents(try proxy.send(HTTPRequest.make(
                method: "POST", path: "/echo", headers: [("traceparent", "00-XYZ-bad-01")], body: "x")))
            #expect(replaced.count == 1 && replaced.first != "00-XYZ-bad-01")
        }
    }
}

extension EndToEnd {
    @Suite struct AccessLog {
        @Test func oneJSONLinePerRequestWithTheRoutingDecisionAndNoSecrets() throws {
            let a = try BenchMock(), b = try BenchMock()
            defer { a.stop(); b.stop() }
            let logPath = NSTemporaryDirectory() + "ringway-access-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
            defer { try? FileManager.default.removeItem(atPath: logPath) }
            setenv("RINGWAY_E2E_LOG_KEY", "sk-secret-e2e-4242", 1)
            let proxy = try ConfiguredProxy(config: EndToEnd.Routing.twoPools(a, b, extra: """
                ,
                "keys": [{"name": "team-a", "key": "${RINGWAY_E2E_LOG_KEY}"}],
                "access_log": {"path": "\(logPath)"}
                """))
            let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            let ok = try proxy.send(chatRequest(model: "big", headers: [
                ("Authorization", "Bearer sk-secret-e2e-4242"), ("x-request-id", "req-e2e-1"), ("traceparent", parent)]))
            #expect(ok.status == 200)
            #expect(try proxy.send(chatRequest(model: "nope")).status == 404)
            proxy.stop()  // SIGTERM: the writer flushes before the process exits
            let text = try String(contentsOfFile: logPath, encoding: .utf8)
            let lines = text.split(separator: "\n").map(String.init)
            // A crash here would orphan the mocks: require, then index.
            try #require(lines.count == 2, "\(text)")
            #expect(!text.contains("sk-secret"), "a key secret reached the log")
            let first = try jsonObject(Array(lines[0].utf8))
            #expect(first["request_id"] as? String == "req-e2e-1")
            #expect(first["key"] as? String == "team-a")
            #expect(first["model"] as? String == "big")
            #expect(first["model_served"] as? String == "large")
            #expect(first["pool"] as? String == "pb")
            #expect(first["endpoint"] as? String == b.url)
            #expect(first["reason"] as? String == "catalog")
            #expect(first["status"] as? Int == 200)
            #expect(first["attempts"] as? Int == 1)
            #expect(first["trace_id"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
            #expect((first["total_ns"] as? Int ?? 0) > 0)
            #expect((first["completion_tokens"] as? Int ?? 0) > 0, "usage read from the answer")
            let second = try jsonObject(Array(lines[1].utf8))
            #expect(second["status"] as? Int == 404)
            #expect(second["model"] as? String == "nope")
            #expect((second["request_id"] as? String)?.isEmpty == false)
        }
    }
}

extension EndToEnd.Admin {
    @Test func aSecondProxyCannotShareTheAdminPort() throws {
        let a = try BenchMock(), b = try BenchMock()
        defer { a.stop(); b.stop() }
        let first = try ConfiguredProxy(config: Self.config(a, b, pool: "pa"))
        defer { first.stop() }
        let port = try first.adminPort()
        let config = Self.config(a, b, pool: "pa").replacingOccurrences(of: "127.0.0.1:0", with: "127.0.0.1:\(port)")
        #expect(throws: (any Error).self) { _ = try ConfiguredProxy(config: config) }
    }
}

extension EndToEnd.Metrics {
    @Test func ringwayTopShowsRatesAndEndpointHealth() throws {
        let a = try BenchMock(), b = try BenchMock()
        defer { a.stop(); b.stop() }
        let proxy = try ConfiguredProxy(config: """
            {"admin": {"listen": "127.0.0.1:0"},
             "pools": {"pa": {"endpoints": ["\(a.url)"]}, "pb": {"endpoints": ["\(b.url)"]}},
             "models": {"small": {"pool": "pa"}, "large": {"pool": "pb"}}}
            """)
        defer { proxy.stop() }
        let port = try proxy.adminPort()
        // Traffic while top takes its two reads.
        let done = Counter()
        let sender = Thread {
            while done.value == 0 { _ = try? proxy.send(chatRequest(model: "small")) }
        }
        sender.start()
        defer { done.add() }
        let top = Process()
        top.executableURL = URL(fileURLWithPath: try TestPaths.ringwayBinary())
        top.arguments = ["top", "--admin", "127.0.0.1:\(port)", "--once", "--interval-ms", "500"]
        let output = Pipe()
        top.standardOutput = output
        top.standardError = output
        try top.run()
        top.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(top.terminationStatus == 0, "\(text)")
        #expect(text.contains("requests/s"))
        #expect(!text.contains("requests/s 0.0"), "no traffic seen: \(text)")
        #expect(text.contains("small"))
        #expect(text.contains(a.url) && text.contains(b.url))
        #expect(text.contains("healthy"))
        #expect(text.contains("overhead   p50"), "\(text)")
    }
}

extension EndToEnd.Metrics {
    @Test func tokensAndCostEqualWhatTheUpstreamReported() throws {
        let a = try BenchMock(), b = try BenchMock()
        defer { a.stop(); b.stop() }
        let proxy = try ConfiguredProxy(config: """
            {"admin": {"listen": "127.0.0.1:0"},
             "pools": {"pa": {"endpoints": ["\(a.url)"]}, "pb": {"endpoints": ["\(b.url)"]}},
             "models": {"small": {"pool": "pa", "price": {"input": 2, "output": 10}}, "large": {"pool": "pb"}}}
            """)
        defer { proxy.stop() }
        // Non-streamed: usage in the JSON answer.
        let plain = try proxy.send(chatRequest(model: "small", headers: [("x-mock-tokens", "7")]))
        let usage = try #require(try plain.json()["usage"] as? [String: Any])
        var prompt = try #require(usage["prompt_tokens"] as? Int)
        var completion = try #require(usage["completion_tokens"] as? Int)
        // Streamed with include_usage: usage in the final chunk.
        let client = try proxy.connect()
        defer { client.close() }
        try client.send(chatRequest(model: "small", headers: [("x-mock-tokens", "5")], stream: true,
                                    extra: #","stream_options":{"include_usage":true}"#))
        let streamed = try client.readResponse(method: "POST").text
        let last = try #require(streamed.components(separatedBy: "\n\n").last { $0.contains("\"usage\":{") })
        let chunk = try jsonObject(Array(last.dropFirst("data: ".count).utf8))
        let streamUsage = try #require(chunk["usage"] as? [String: Any])
        prompt += try #require(streamUsage["prompt_tokens"] as? Int)
        completion += try #require(streamUsage["completion_tokens"] as? Int)

        let text = try proxy.admin("GET", "/metrics").text
        let sample = text.split(separator: "\n")
        func value(_ prefix: String) -> Double? {
            sample.first { $0.hasPrefix(prefix) }.flatMap { Double($0.split(separator: " ").last ?? "") }
        }
        #expect(value(#"ringway_prompt_tokens_total{model="small""#) == Double(prompt), "\(text)")
        #expect(value(#"ringway_completion_tokens_total{model="small""#) == Double(completion))
        let cost = (Double(prompt) * 2 + Double(completion) * 10) / 1_000_000
        #expect(abs((value(#"ringway_cost_usd_total{model="small""#) ?? -1) - cost) < 1e-9)
    }
}

extension EndToEnd.Metrics {
    @Test func sidecarModeServesTheAdminListenerWhenAsked() throws {
        let mock = try BenchMock()
        defer { mock.stop() }
        let proxy = try ManagedProcess(
            name: "ringway", executable: try TestPaths.ringwayBinary(),
            arguments: ["serve", "--listen", "127.0.0.1:0", "--upstream", mock.url, "--workers", "1",
                        "--admin", "127.0.0.1:0"],
            readyMarker: "ringway listening on")
        defer { proxy.stop() }
        let client = try RawHTTPClient(port: proxy.port)
        defer { client.close() }
        try client.send(chatRequest(model: "anything"))
        #expect(try client.readResponse(method: "POST").status == 200)
        var adminPort: UInt16?
        _ = eventually(timeoutMs: 3_000) {
            let line = proxy.stderrText.split(separator: "\n").first { $0.contains("admin listening on") }
            adminPort = line.flatMap { ManagedProcess.port(in: String($0)) }
            return adminPort != nil
        }
        let port = try #require(adminPort)
        let admin = try RawHTTPClient(port: port)
        defer { admin.close() }
        try admin.send(HTTPRequest.get("/metrics"))
        let text = try admin.readResponse().text
        #expect(text.contains(#"ringway_requests_total{model="none",pool="upstream",endpoint="\#(mock.url)",code="2xx"} 1"#),
                "\(text)")
    }
}
