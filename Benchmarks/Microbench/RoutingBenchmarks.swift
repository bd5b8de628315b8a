import RingwayRouter

/// One routing decision for a 64-endpoint pool, as a worker makes it per
/// attempt: `pick`, then `requestStarted`, and the `requestFinished` of the
/// attempt started 32 decisions earlier, so 32 requests stay in flight and
/// the outstanding counts, EWMAs and bounded-load capacities keep moving.
final class RoutingDecisionBenchmark {
    static let endpoints = 64
    static let inFlight = 32
    static let keys = 1024

    let shared: [SharedEndpointState]
    let balancer: PoolBalancer
    let affinityKeys: [UInt64]
    var inFlight: [Int]
    var cursor = 0
    var now: UInt64 = 1_000_000_000_000

    init(strategy: BalancingStrategy) {
        shared = (0..<Self.endpoints).map { _ in SharedEndpointState() }
        balancer = PoolBalancer(strategy: strategy, weights: Array(repeating: 1, count: Self.endpoints),
                                outlier: OutlierConfig(), shared: shared, seed: 0x5eed)
        // Affinity keys of 1024 conversations, hashed from 1 KiB prefixes as the proxy would.
        affinityKeys = (0..<Self.keys).map { conversation in
            let prefix = Array("conversation \(conversation): ".utf8) + Array(repeating: UInt8(ascii: "x"), count: 1000)
            return prefix.withUnsafeBytes { AffinityHash.hash($0, prefixBytes: 1024) }
        }
        inFlight = Array(repeating: -1, count: Self.inFlight)
        // Warm: every endpoint has a latency figure, a few are slower.
        for endpoint in 0..<Self.endpoints {
            balancer.requestStarted(endpoint)
            balancer.requestFinished(endpoint, outcome: .success, latencyNs: endpoint % 8 == 0 ? 80_000_000 : 20_000_000,
                                     now: now)
        }
    }

    func run(_ iterations: Int) -> Int {
        var checksum = 0
        for iteration in 0..<iterations {
            let key = affinityKeys[iteration & (Self.keys - 1)]
            guard let endpoint = balancer.pick(affinityKey: key, now: now, exclude: TriedEndpoints()) else {
                preconditionFailure("no endpoint")
            }
            balancer.requestStarted(endpoint)
            let finishing = inFlight[cursor]
            if finishing >= 0 {
                balancer.requestFinished(finishing, outcome: .success, latencyNs: 20_000_000 &+ UInt64(finishing) &* 1000,
                                         now: now)
            }
            inFlight[cursor] = endpoint
            cursor = cursor &+ 1 == Self.inFlight ? 0 : cursor &+ 1
            now &+= 1000
            checksum &+= endpoint
        }
        return checksum
    }
}

/// `CompiledRules.firstMatch` over a realistic set of eight rules, where
/// the request matches only the seventh: the six before it (headers, keys,
/// tenants, models, prompt size, and a pattern searched through the whole
/// 1 KiB last user message without a match) all run and fail.
final class RulesFirstMatchBenchmark {
    let rules: CompiledRules
    let message: UnsafeRawBufferPointer
    let path: UnsafeRawBufferPointer
    let model: UnsafeRawBufferPointer
    let key: UnsafeRawBufferPointer
    let tenant: UnsafeRawBufferPointer
    let headerValues: UnsafeBufferPointer<UnsafeRawBufferPointer>

    static func rule(_ name: String, _ target: String, _ configure: (inout RuleMatch) -> Void) -> RuleConfig {
        var match = RuleMatch()
        configure(&match)
        return RuleConfig(name: name, match: match, target: .model(target))
    }

    init() {
        let configs = [
            Self.rule("debug-header", "gpt-4o") { $0.headers = [HeaderMatch(name: "x-ringway-debug", value: nil)] },
            Self.rule("batch-keys", "local-llama") { $0.keys = ["batch-nightly", "batch-eval", "ci"] },
            Self.rule("acme-tenant", "claude") { $0.tenants = ["acme"]; $0.models = ["gpt-4o"] },
            Self.rule("long-context", "gemini-long") { $0.minPromptTokens = 100_000 },
            Self.rule("vision", "gpt-4o") { $0.images = true },
            Self.rule("coding", "coder") {
                $0.lastUserMessagePattern = "(?i)\\b(python|rust|swift|typescript)\\b.*\\b(bug|stack ?trace|segfault|panic)"
            },
            Self.rule("team-header", "local-llama") {
                $0.headers = [HeaderMatch(name: "X-Team", value: "search")]
                $0.pathPrefix = "/v1/chat"
            },
            Self.rule("fallback", "gpt-4o-mini") { _ in },
        ]
        rules = try! CompiledRules(configs)
        var text = "I am planning a trip and would like some help putting together an itinerary. "
        while text.utf8.count < 1024 { text += "We will visit museums, walk along the river, and try the local food markets. " }
        message = pinnedCopy(Array(text.utf8.prefix(1024)))
        path = pinnedCopy(Array("/v1/chat/completions".utf8))
        model = pinnedCopy(Array("gpt-4o-mini".utf8))
        key = pinnedCopy(Array("web-frontend".utf8))
        tenant = pinnedCopy(Array("globex".utf8))
        // referencedHeaders: x-ringway-debug (absent), x-team ("search").
        let values = UnsafeMutableBufferPointer<UnsafeRawBufferPointer>.allocate(capacity: rules.referencedHeaders.count)
        for (index, name) in rules.referencedHeaders.enumerated() {
            values[index] = name == Array("x-team".utf8)
                ? pinnedCopy(Array("search".utf8)) : UnsafeRawBufferPointer(start: nil, count: 0)
        }
        headerValues = UnsafeBufferPointer(values)
        precondition(run(1) == 6, "the benchmark request should match rule 7 (index 6)")
    }

    var messageBytes: Int { message.count }

    func run(_ iterations: Int) -> Int {
        var checksum = 0
        for _ in 0..<iterations {
            let facts = RequestFacts(path: path, requestedModel: model, keyName: key, tenant: tenant,
                                     lastUserMessage: opaque(message), headerValues: headerValues,
                                     promptTokens: 350, hasTools: false, hasImages: false)
            checksum &+= rules.firstMatch(facts) ?? -1
        }
        return checksum
    }
}
