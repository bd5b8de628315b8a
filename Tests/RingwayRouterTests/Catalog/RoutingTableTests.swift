import Testing
@testable import RingwayRouter

@Suite struct ByteKeyTableTests {
    @Test func findsEveryKeyAndNothingElse() {
        let keys = (0..<200).map { Array("model-\($0)".utf8) }
        let table = ByteKeyTable(keys.enumerated().map { ($0.element, $0.offset) })
        for (i, k) in keys.enumerated() { #expect(k.withUnsafeBytes { table.value(for: $0) } == i) }
        for miss in ["model-200", "model-", "", "Model-1"] {
            #expect(Array(miss.utf8).withUnsafeBytes { table.value(for: $0) } == nil)
        }
    }
}

@Suite struct RoutingTableCompileTests {
    static func config() -> RouterConfig {
        var c = RouterConfig()
        c.pools = [PoolConfig(name: "a", endpoints: [EndpointConfig(address: .http(host: "127.0.0.1", port: 1), url: "http://127.0.0.1:1")]),
                   PoolConfig(name: "b", endpoints: [EndpointConfig(address: .unix(path: "/tmp/s"), url: "unix:/tmp/s")])]
        var small = ModelConfig(name: "small", pool: "a")
        small.aliases = ["tiny"]
        small.upstreamModel = "org/\"small\""
        small.fallbacks = ["large"]
        c.models = [small, ModelConfig(name: "large", pool: "b")]
        c.pools[1].maxConcurrency = 4
        c.routes = [RouteConfig(path: "/v1/messages", isPrefix: true, kind: .passthrough(pool: "b"))] + RouteConfig.defaults
        return c
    }

    @Test func namesAliasesRoutesAndTheModelList() throws {
        let t = try RoutingTable.compile(Self.config(), version: 3, loadedAt: 1_700_000_000)
        func model(_ s: String) -> Int? { Array(s.utf8).withUnsafeBytes { t.modelNames.value(for: $0) } }
        func route(_ s: String) -> RouteEntry.Kind? { Array(s.utf8).withUnsafeBytes { t.route(forPath: $0) }.map { t.routes[$0].kind } }
        #expect(model("small") == 0 && model("tiny") == 0 && model("large") == 1 && model("huge") == nil)
        #expect(t.models[0].upstreamToken == Array(#""org/\"small\"""#.utf8))
        #expect(t.models[1].upstreamToken == Array(#""large""#.utf8))
        #expect(t.models[0].fallbacks == [1])
        #expect(route("/v1/messages/count") == .passthrough(pool: 1))
        #expect(route("/v1/chat/completions") == .model)
        #expect(route("/v1/chat/completionsX") == nil)
        #expect(route("/v1/models") == .modelList)
        let list = String(decoding: t.modelListBody, as: UTF8.self)
        #expect(list.hasPrefix(#"{"object":"list","data":[{"id":"small","object":"model","created":1700000000"#))
        #expect(list.contains(#"{"id":"tiny""#))
    }

    @Test func aReloadKeepsEndpointStateAndPoolSlots() throws {
        let first = try RoutingTable.compile(Self.config(), version: 1, loadedAt: 0)
        var changed = Self.config()
        changed.pools[0].endpoints.append(EndpointConfig(address: .http(host: "127.0.0.1", port: 2), url: "http://127.0.0.1:2"))
        let second = try RoutingTable.compile(changed, version: 2, loadedAt: 0, previous: first)
        #expect(second.endpoints[0].shared === first.endpoints[0].shared)
        #expect(second.endpoints[1].shared !== first.endpoints[0].shared)
        #expect(second.pools[1].concurrency === first.pools[1].concurrency)
        changed.pools[1].maxConcurrency = 8
        let third = try RoutingTable.compile(changed, version: 3, loadedAt: 0, previous: second)
        #expect(third.pools[1].concurrency !== second.pools[1].concurrency)
    }

    @Test func aBadRulePatternIsACompileError() {
        var c = Self.config()
        var match = RuleMatch()
        match.lastUserMessagePattern = "(unclosed"
        c.rules = [RuleConfig(name: "broken", match: match, target: .model("small"))]
        #expect(throws: RoutingTableError.self) { try RoutingTable.compile(c, version: 1, loadedAt: 0) }
    }

    @Test func sidecarPassesEveryPathToItsOneUpstream() {
        let t = RoutingTable.sidecar(upstream: .http(host: "127.0.0.1", port: 8000), url: "http://127.0.0.1:8000", loadedAt: 0)
        #expect(Array("/anything".utf8).withUnsafeBytes { t.route(forPath: $0) } == 0)
        #expect(t.retry.maxAttempts == 1)
        #expect(t.isSidecar)
    }
}
