import Foundation
import Glibc
import Testing

/// https upstreams end to end: `ringway serve` in front of mock_upstream.py
/// speaking TLS with a certificate from a CA made for the test run.
extension EndToEnd {
    @Suite struct UpstreamTLS {
        /// One https pool (`secure`) trusting the test CA, a model on it and
        /// pass-through routes for the mock's byte and echo endpoints.
        /// A TLS mock and a proxy whose pool trusts the mock's CA.
        static func startTLSPool() throws -> (TestCertificates, MockUpstream, ConfiguredProxy) {
            let certs = try TestCertificates.get()
            let mock = try MockUpstream(tls: certs)
            do {
                return (certs, mock, try ConfiguredProxy(config: config(mock, certs)))
            } catch {
                mock.stop()
                throw error
            }
        }

        static func config(_ mock: MockUpstream, _ certs: TestCertificates, caFile: String? = nil,
                           pools: String = "", extra: String = "") -> String {
            """
            {
              "admin": {"listen": "127.0.0.1:0"},
              "pools": {
                "secure": {"endpoints": ["\(mock.httpsURL)"], "tls": {"ca_file": "\(caFile ?? certs.authority)"}}\(pools)
              },
              "models": {"m": {"pool": "secure"}},
              "routes": [{"prefix": "/bytes", "pool": "secure"}, {"prefix": "/echo", "pool": "secure"}]\(extra)
            }
            """
        }

        @Test func chatAndLargeBodiesCrossAnHTTPSPoolByteForByte() throws {
            let certs = try TestCertificates.get()
            let mock = try MockUpstream(tls: certs)
            let plain = try MockUpstream()
            defer { mock.stop(); plain.stop() }
            let proxy = try ConfiguredProxy(config: Self.config(mock, certs))
            defer { proxy.stop() }

            // The same request straight to a plaintext mock gives the reference bytes.
            let request = chatRequest(model: "m", headers: [("x-mock-tokens", "7")])
            let direct = try plain.directRequest(request, method: "POST")
            let proxied = try proxy.send(request)
            #expect(proxied.status == 200, "\(proxied.text)\n\(proxy.logs)")
            #expect(proxied.body == direct.body, "body differs: \(proxied.text)")
            #expect(routeFields(proxied)["endpoint"] == mock.httpsURL)

            // Responses larger than a block, with each framing.
            for query in ["n=1048576", "n=300001&chunked=1&chunk=7000"] {
                let r = try proxy.send(HTTPRequest.get("/bytes?\(query)"), method: "GET")
                #expect(r.status == 200, "\(query): \(r.text.prefix(200))\n\(proxy.logs)")
                let n = Int(query.split(separator: "&")[0].dropFirst(2))!
                #expect(r.body.count == n, "\(query): \(r.body.count) bytes")
                #expect(r.body.enumerated().allSatisfy { $0.element == UInt8($0.offset % 251) }, "\(query): bytes differ")
            }

            // A request body larger than the ciphertext budget goes out whole.
            var generator = SystemRandomNumberGenerator()
            let body = String((0..<(3 << 20)).map { _ in Character(UnicodeScalar(UInt8.random(in: 97...122, using: &generator))) })
            let echo = HTTPRequest.make(method: "POST", path: "/echo", body: body)
            let echoed = try proxy.send(echo)
            #expect(echoed.status == 200, "\(echoed.text.prefix(300))")
            let summary = try echoed.json()
            #expect(summary["body_len"] as? Int == body.utf8.count)
            let reference = try plain.directRequest(echo, method: "POST").json()
            #expect(summary["body_sha256"] as? String == reference["body_sha256"] as? String)
        }

        @Test func aStreamedChatArrivesEventByEvent() throws {
            let (_, mock, proxy) = try Self.startTLSPool()
            defer { proxy.stop(); mock.stop() }
            let client = try proxy.connect()
            defer { client.close() }
            try client.send(chatRequest(model: "m", headers: [("x-mock-tokens", "5"), ("x-mock-itl-us", "100000")],
                                        stream: true))
            let head = try client.readHead()
            #expect(head.status == 200, "\(proxy.logs)")
            #expect(head.value("content-type")?.hasPrefix("text/event-stream") == true)
            try expectFiveTokensPaced(client)
        }

        @Test func aStreamCutMidwayIsSurfacedLikeAPlaintextOne() throws {
            let (_, mock, proxy) = try Self.startTLSPool()
            defer { proxy.stop(); mock.stop() }
            let client = try proxy.connect()
            defer { client.close() }
            // The mock sends two events, then closes without the chunked
            // terminator (and without close_notify): a truncated message.
            try client.send(chatRequest(model: "m", headers: [("x-mock-fail", "midstream")], stream: true))
            #expect(try client.readHead().status == 200)
            let (events, error, raw) = readSSE(client)
            #expect(error != nil, "the cut stream ended like a whole one: \(raw)")
            #expect(events.filter { $0.data?.hasPrefix("{\"id\"") == true }.count == 2, "\(raw)")
            #expect(events.last?.data?.contains("upstream closed the connection mid-response") == true, "\(raw)")
        }

        @Test func keepAliveReusesOneTLSConnection() throws {
            let (_, mock, proxy) = try Self.startTLSPool()
            defer { proxy.stop(); mock.stop() }
            var connections: [String] = []
            var sequence: [String] = []
            // Two clients one after the other: the pooled upstream connection
            // (and its TLS session) serves both.
            for stream in [false, true, false] {
                let client = try proxy.connect()
                defer { client.close() }
                try client.send(chatRequest(model: "m", stream: stream))
                let r = try client.readResponse(method: "POST")
                #expect(r.status == 200, "\(r.text)\n\(proxy.logs)")
                connections.append(r.head.value("x-mock-conn") ?? "?")
                sequence.append(r.head.value("x-mock-seq") ?? "?")
            }
            #expect(Set(connections).count == 1, "upstream connections: \(connections)")
            #expect(sequence == ["1", "2", "3"], "requests per connection: \(sequence)")
        }

        @Test func aSecondConnectionResumesTheFirstOnesSession() throws {
            let (_, mock, proxy) = try Self.startTLSPool()
            defer { proxy.stop(); mock.stop() }
            // A slow stream keeps the first connection busy, so the second
            // request needs a connection of its own.
            let slow = try proxy.connect()
            defer { slow.close() }
            try slow.send(chatRequest(model: "m", headers: [("x-mock-tokens", "5"), ("x-mock-itl-us", "100000")],
                                      stream: true))
            let first = try slow.readHead()
            #expect(first.status == 200, "\(proxy.logs)")
            #expect(first.value("x-mock-tls-resumed") == "0")
            let second = try proxy.send(chatRequest(model: "m"))
            #expect(second.status == 200, "\(second.text)\n\(proxy.logs)")
            #expect(second.head.value("x-mock-conn") != first.value("x-mock-conn"))
            #expect(second.head.value("x-mock-tls-resumed") == "1", "the second connection made a full handshake")
            let (_, error, _) = readSSE(slow)
            #expect(error == nil)
        }

        @Test func anIdleConnectionClosesCleanlyAndTheNextOneResumes() throws {
            let certs = try TestCertificates.get()
            let mock = try MockUpstream(tls: certs)
            defer { mock.stop() }
            let proxy = try RingwayProxy(upstream: mock.httpsURL,
                                         flags: ["--upstream-ca-file", certs.authority, "--upstream-idle-timeout-ms", "200"])
            defer { proxy.stop() }
            let first = try proxy.connect()
            defer { first.close() }
            try first.send(HTTPRequest.get("/health"))
            let a = try first.readResponse()
            #expect(a.status == 200, "\(proxy.logs)")
            #expect(a.head.value("x-mock-tls-resumed") == "0")
            // The pooled connection idles out (close_notify, then close)...
            sleepMillis(500)
            try first.send(HTTPRequest.get("/health"))
            let b = try first.readResponse()
            #expect(b.status == 200)
            // ...so this is a new one, and it resumed: OpenSSL servers do not
            // resume a session whose client left without close_notify.
            #expect(b.head.value("x-mock-conn") != a.head.value("x-mock-conn"))
            #expect(b.head.value("x-mock-tls-resumed") == "1")
        }

        @Test func aWrongCAIs502WithTheCauseAndOtherPoolsKeepServing() throws {
            let certs = try TestCertificates.get()
            let mock = try MockUpstream(tls: certs)
            let plain = try MockUpstream()
            defer { mock.stop(); plain.stop() }
            // "untrusted": verified against an unrelated CA. "nottls": https
            // to a plaintext server. "secure": right.
            let proxy = try ConfiguredProxy(config: Self.config(mock, certs, pools: """
                ,
                    "untrusted": {"endpoints": ["\(mock.httpsURL)"], "tls": {"ca_file": "\(certs.otherAuthority)"}},
                    "nottls": {"endpoints": ["https://127.0.0.1:\(plain.port)"]}
                """, extra: """
                ,
                  "rules": [
                    {"name": "u", "match": {"header": {"x-pool": "untrusted"}}, "pool": "untrusted"},
                    {"name": "n", "match": {"header": {"x-pool": "nottls"}}, "pool": "nottls"}
                  ]
                """))
            defer { proxy.stop() }

            let untrusted = try proxy.send(chatRequest(model: "m", headers: [("x-pool", "untrusted")]))
            #expect(untrusted.status == 502, "\(untrusted.text)\n\(proxy.logs)")
            #expect(openAIErrorProblem(untrusted) == nil)
            let message = try errorMessage(untrusted)
            #expect(message.hasPrefix("upstream TLS handshake failed: certificate verify failed"), "message: \(message)")
            #expect(message.contains("host localhost"), "message: \(message)")

            let notTLS = try proxy.send(chatRequest(model: "m", headers: [("x-pool", "nottls")]))
            #expect(notTLS.status == 502, "\(notTLS.text)")
            #expect(try errorMessage(notTLS).hasPrefix("upstream TLS handshake failed: "), "\(notTLS.text)")

            // The proxy still serves the right pool, on the same and on new connections.
            for _ in 0..<3 {
                let ok = try proxy.send(chatRequest(model: "m"))
                #expect(ok.status == 200, "\(ok.text)\n\(proxy.logs)")
            }
            // One log line per failed handshake, naming the endpoint and the cause.
            let lines = proxy.process.stderrText.split(separator: "\n").filter { $0.contains("TLS handshake failed") }
            #expect(lines.count == 2, "log lines: \(lines)")
            #expect(lines.first?.contains("upstream \(mock.httpsURL): TLS handshake failed: certificate verify failed") == true,
                    "log lines: \(lines)")
        }

        @Test func theNameCheckedIsTheURLsHostOrTheServerName() throws {
            let certs = try TestCertificates.get()
            let mock = try MockUpstream(tls: certs)
            defer { mock.stop() }
            let byIP = "https://127.0.0.1:\(mock.port)"
            let proxy = try ConfiguredProxy(config: """
                {
                  "admin": null,
                  "pools": {
                    "ip": {"endpoints": ["\(byIP)"], "tls": {"ca_file": "\(certs.authority)"}},
                    "named": {"endpoints": ["\(byIP)"], "tls": {"ca_file": "\(certs.authority)", "server_name": "localhost"}},
                    "wrong": {"endpoints": ["\(byIP)"], "tls": {"ca_file": "\(certs.authority)", "server_name": "api.example.com"}}
                  },
                  "models": {"m": {"pool": "ip"}},
                  "rules": [
                    {"name": "n", "match": {"header": {"x-pool": "named"}}, "pool": "named"},
                    {"name": "w", "match": {"header": {"x-pool": "wrong"}}, "pool": "wrong"}
                  ]
                }
                """)
            defer { proxy.stop() }
            // An IP literal is checked against the certificate's IP addresses.
            let ip = try proxy.send(chatRequest(model: "m"))
            #expect(ip.status == 200, "\(ip.text)\n\(proxy.logs)")
            // server_name: sent as SNI and checked instead of the URL's host.
            let named = try proxy.send(chatRequest(model: "m", headers: [("x-pool", "named")]))
            #expect(named.status == 200, "\(named.text)\n\(proxy.logs)")
            let wrong = try proxy.send(chatRequest(model: "m", headers: [("x-pool", "wrong")]))
            #expect(wrong.status == 502)
            let message = try errorMessage(wrong)
            #expect(message.hasPrefix("upstream TLS handshake failed: certificate verify failed"), "\(message)")
            #expect(message.contains("host api.example.com"), "\(message)")
        }

        @Test func aFailedHandshakeFailsOverToTheNextEndpoint() throws {
            let certs = try TestCertificates.get()
            let mock = try MockUpstream(tls: certs)
            let plain = try MockUpstream()
            defer { mock.stop(); plain.stop() }
            // One endpoint does not speak TLS; round-robin sends every other
            // request there first, and each must still be answered by the other.
            let proxy = try ConfiguredProxy(config: """
                {"admin": null,
                 "pools": {"p": {"endpoints": ["https://127.0.0.1:\(plain.port)", "\(mock.httpsURL)"],
                                 "tls": {"ca_file": "\(certs.authority)"}}},
                 "models": {"m": {"pool": "p"}}}
                """)
            defer { proxy.stop() }
            var attempts: [String] = []
            for _ in 0..<4 {
                let r = try proxy.send(chatRequest(model: "m"))
                #expect(r.status == 200, "\(r.text)\n\(proxy.logs)")
                #expect(routeFields(r)["endpoint"] == mock.httpsURL)
                attempts.append(routeFields(r)["attempt"] ?? "?")
            }
            #expect(attempts.contains("2"), "no request was retried after a failed handshake: \(attempts)")
        }

        @Test func anHTTPSUpstreamIsSentItsOwnNameAsHost() throws {
            let certs = try TestCertificates.get()
            let mock = try MockUpstream(tls: certs)
            defer { mock.stop() }
            let ca = #""ca_file": "\#(certs.authority)""#
            let cases = [
                // The URL's name and port (SNI names it too).
                (#""endpoints": ["\#(mock.httpsURL)"], "tls": {\#(ca)}"#, "localhost:\(mock.port)"),
                // tls.server_name replaces an IP literal.
                (#""endpoints": ["https://127.0.0.1:\#(mock.port)"], "tls": {\#(ca), "server_name": "localhost"}"#,
                 "localhost:\(mock.port)"),
                // The pool's "host" wins over both.
                (#""endpoints": ["\#(mock.httpsURL)"], "host": "api.example.com", "tls": {\#(ca)}"#, "api.example.com"),
            ]
            for (pool, expected) in cases {
                let proxy = try ConfiguredProxy(config: """
                    {"admin": null, "pools": {"p": {\(pool)}}, "routes": [{"path": "/echo", "pool": "p"}],
                     "models": {"m": {"pool": "p"}}}
                    """)
                defer { proxy.stop() }
                let r = try proxy.send(HTTPRequest.get("/echo"), method: "GET")
                #expect(r.status == 200, "\(r.text)\n\(proxy.logs)")
                let pairs = try #require(try r.json()["headers"] as? [[String]])
                let hosts = pairs.filter { $0.count == 2 && $0[0].lowercased() == "host" }.map { $0[1] }
                #expect(hosts == [expected], "pool \(pool)")
            }
        }

        @Test func healthChecksMetricScrapesAndShadowsReachHTTPSEndpoints() throws {
            let certs = try TestCertificates.get()
            let mock = try MockUpstream(tls: certs)
            let canary = try MockUpstream(tls: certs)
            defer { mock.stop(); canary.stop() }
            let proxy = try ConfiguredProxy(config: """
                {
                  "admin": {"listen": "127.0.0.1:0"},
                  "pools": {
                    "secure": {"endpoints": ["\(mock.httpsURL)"], "tls": {"ca_file": "\(certs.authority)"},
                               "health_check": {"path": "/health", "interval_ms": 100, "timeout_ms": 100},
                               "metrics": {"path": "/metrics", "interval_ms": 100, "timeout_ms": 100}},
                    "canary": {"endpoints": ["\(canary.httpsURL)"], "tls": {"ca_file": "\(certs.authority)"}},
                    "untrusted": {"endpoints": ["\(canary.httpsURL)"], "tls": {"ca_file": "\(certs.otherAuthority)"},
                                  "health_check": {"path": "/health", "interval_ms": 100, "timeout_ms": 100, "unhealthy_after": 1}}
                  },
                  "models": {"m": {"pool": "secure"}},
                  "shadows": [{"model": "m", "pool": "canary", "fraction": 1.0}]
                }
                """)
            defer { proxy.stop() }
            // The untrusted endpoint's probe fails on the certificate...
            #expect(eventually(timeoutMs: 3_000) {
                proxy.process.stderrText.contains("endpoint \(canary.httpsURL) unhealthy: health check /health failed: TLS: certificate verify failed")
            }, "\(proxy.logs)")
            // ...the trusted one's scrape gets an HTTP answer (the mock has no /metrics: 404).
            #expect(eventually(timeoutMs: 3_000) {
                proxy.process.stderrText.contains("endpoint \(mock.httpsURL) metrics scrape /metrics returned 404")
            }, "\(proxy.logs)")
            #expect(!proxy.process.stderrText.contains("endpoint \(mock.httpsURL) unhealthy"), "\(proxy.logs)")

            let r = try proxy.send(chatRequest(model: "m"))
            #expect(r.status == 200, "\(r.text)\n\(proxy.logs)")
            let mirrored = eventually(timeoutMs: 3_000) {
                guard let state = try? proxy.admin("GET", "/admin/state").json(),
                      let shadows = state["shadows"] as? [[String: Any]] else { return false }
                return shadows.first?["completed"] as? Int == 1
            }
            #expect(mirrored, "the shadow copy did not complete over TLS: \((try? proxy.admin("GET", "/admin/state").text) ?? "")")
        }

        @Test func sidecarModeServesAnHTTPSUpstream() throws {
            let certs = try TestCertificates.get()
            let mock = try MockUpstream(tls: certs)
            defer { mock.stop() }

            let trusting = try RingwayProxy(upstream: mock.httpsURL, flags: ["--upstream-ca-file", certs.authority])
            defer { trusting.stop() }
            let client = try trusting.connect()
            defer { client.close() }
            for _ in 0..<2 {
                try client.send(HTTPRequest.chat(stream: false))
                let r = try client.readResponse(method: "POST")
                #expect(r.status == 200, "\(r.text)\n\(trusting.logs)")
                #expect(r.head.value("x-mock-conn") != nil)
            }

            // Without the CA the system store does not know the test CA.
            let strict = try RingwayProxy(upstream: mock.httpsURL)
            defer { strict.stop() }
            let refused = try strict.connect()
            defer { refused.close() }
            try refused.send(HTTPRequest.chat(stream: false))
            let failed = try refused.readResponse(method: "POST")
            #expect(failed.status == 502)
            #expect(try errorMessage(failed).hasPrefix("upstream TLS handshake failed: certificate verify failed"),
                    "\(failed.text)")

            let insecure = try RingwayProxy(upstream: mock.httpsURL, flags: ["--upstream-insecure"])
            defer { insecure.stop() }
            let lax = try insecure.connect()
            defer { lax.close() }
            try lax.send(HTTPRequest.chat(stream: false))
            #expect(try lax.readResponse(method: "POST").status == 200)
        }

        @Test func theHybridExampleIsServed() throws {
            // examples/hybrid-hosted-local.json as shipped, but with its two
            // endpoint URLs pointed at local mocks (the test has no network):
            // the "openai" pool is an https pool with no "tls" object, so it
            // verifies against the system store, which SSL_CERT_FILE points
            // at the test CA.
            let certs = try TestCertificates.get()
            let hosted = try MockUpstream(tls: certs)
            let local = try MockUpstream()
            defer { hosted.stop(); local.stop() }
            let example = try String(contentsOfFile: EndToEnd.CheckCommand.repositoryRoot
                .appendingPathComponent("examples/hybrid-hosted-local.json").path, encoding: .utf8)
            var config = example.replacingOccurrences(of: "\"https://api.openai.com\"", with: "\"\(hosted.httpsURL)\"")
                .replacingOccurrences(of: "\"http://127.0.0.1:8000\"", with: "\"\(local.url)\"")
                .replacingOccurrences(of: "\"127.0.0.1:9901\"", with: "\"127.0.0.1:0\"")
            config = config.replacingOccurrences(of: "\"listen\": \"127.0.0.1:8080\",", with: "")
            #expect(config != example)
            let proxy = try ConfiguredProxy(config: config, environment: [
                "OPENAI_API_KEY": "sk-test", "RINGWAY_APP_KEY": "rw-app", "RINGWAY_BATCH_KEY": "rw-batch",
                "SSL_CERT_FILE": certs.authority,
            ])
            defer { proxy.stop() }
            let r = try proxy.send(chatRequest(model: "gpt-4o-mini", headers: [("authorization", "Bearer rw-app")]))
            #expect(r.status == 200, "\(r.text)\n\(proxy.logs)")
            #expect(routeFields(r)["pool"] == "openai")
            #expect(try r.json()["model"] as? String == "gpt-4o-mini")
            let local8b = try proxy.send(chatRequest(model: "llama", headers: [("authorization", "Bearer rw-app")]))
            #expect(local8b.status == 200, "\(local8b.text)\n\(proxy.logs)")
            #expect(routeFields(local8b)["pool"] == "vllm")
        }

        @Test func checkReportsCAFileProblemsWhereTheyAre() throws {
            let certs = try TestCertificates.get()
            let config = """
                {"pools": {"p": {"endpoints": ["https://localhost:1"], "tls": {"ca_file": "/nonexistent/ca.pem"}},
                           "q": {"endpoints": ["https://localhost:2"], "tls": {"ca_fil": "x"}}},
                 "models": {"m": {"pool": "p"}}}
                """
            let path = try EndToEnd.CheckCommand.file(config)
            let outcome = try EndToEnd.CheckCommand.run(["check", "--config", path])
            #expect(outcome.status == 1)
            #expect(outcome.stderr == """
                \(path):1:75: pools.p.tls.ca_file: cannot read CA file "/nonexistent/ca.pem": No such file or directory
                \(path):2:64: pools.q.tls.ca_fil: unknown field "ca_fil" (did you mean "ca_file"?)
                2 errors

                """, "stderr: \(outcome.stderr)")

            // Shaped like PEM but not a certificate: OpenSSL's own load refuses it.
            let fake = try EndToEnd.CheckCommand.file("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                                                      name: "fake.pem")
            let second = try EndToEnd.CheckCommand.file("""
                {"pools": {"p": {"endpoints": ["https://localhost:1"], "tls": {"ca_file": "\(fake)"}}}, "models": {"m": {"pool": "p"}}}
                """)
            let refused = try EndToEnd.CheckCommand.run(["check", "--config", second])
            #expect(refused.status == 1)
            #expect(refused.stderr.hasPrefix("\(second): pools.p.tls.ca_file: cannot load CA file \(fake)"),
                    "stderr: \(refused.stderr)")

            let good = try EndToEnd.CheckCommand.file("""
                {"pools": {"p": {"endpoints": ["https://localhost:1"], "tls": {"ca_file": "\(certs.authority)"}}}, "models": {"m": {"pool": "p"}}}
                """)
            let accepted = try EndToEnd.CheckCommand.run(["check", "--config", good])
            #expect(accepted.status == 0, "stderr: \(accepted.stderr)")
        }

        func errorMessage(_ response: HTTPResponse) throws -> String {
            let error = try response.json()["error"] as? [String: Any]
            return error?["message"] as? String ?? ""
        }
    }
}
