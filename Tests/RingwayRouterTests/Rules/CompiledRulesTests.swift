import Testing
@testable import RingwayRouter

/// Builds `RequestFacts` from strings, keeping the bytes alive for the
/// duration of `body`.
struct FactsBuilder {
    var path = ""
    var model = ""
    var key = ""
    var tenant = ""
    var message = ""
    /// Per referenced header; nil = absent.
    var headers: [String?] = []
    var promptTokens = 0
    var tools = false
    var images = false

    func with<R>(_ body: (RequestFacts) -> R) -> R {
        let texts = [path, model, key, tenant, message].map { Array($0.utf8) }
        let headerBytes = headers.map { $0.map { Array($0.utf8) } }
        // Stable copies for the pointers.
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
        defer { storage.deallocate() }
        var offset = 0
        func place(_ bytes: [UInt8]) -> UnsafeRawBufferPointer {
            let slice = UnsafeMutableRawBufferPointer(rebasing: storage[offset..<(offset + bytes.count)])
            slice.copyBytes(from: bytes)
            offset += bytes.count + 1
            return bytes.isEmpty ? UnsafeRawBufferPointer(start: nil, count: 0) : UnsafeRawBufferPointer(slice)
        }
        let placed = texts.map(place)
        let values = headerBytes.map { value -> UnsafeRawBufferPointer in
            guard let value else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            // Present, possibly empty: a real base address.
            let slice = UnsafeMutableRawBufferPointer(rebasing: storage[offset..<(offset + value.count)])
            slice.copyBytes(from: value)
            offset += value.count + 1
            return UnsafeRawBufferPointer(slice)
        }
        return values.withUnsafeBufferPointer { values in
            body(RequestFacts(path: placed[0], requestedModel: placed[1], keyName: placed[2], tenant: placed[3],
                              lastUserMessage: placed[4], headerValues: values, promptTokens: promptTokens,
                              hasTools: tools, hasImages: images))
        }
    }
}

@Suite struct CompiledRulesTests {
    static func rule(_ name: String, _ configure: (inout RuleMatch) -> Void) -> RuleConfig {
        var match = RuleMatch()
        configure(&match)
        return RuleConfig(name: name, match: match, target: .model(name))
    }

    static func first(_ rules: CompiledRules, _ facts: FactsBuilder) -> Int? {
        facts.with { rules.firstMatch($0) }
    }

    @Test func everyConditionKind() throws {
        let rules = try CompiledRules([
            Self.rule("header") { $0.headers = [HeaderMatch(name: "X-Team", value: "search")] },
            Self.rule("key") { $0.keys = ["batch-key", "ci-key"] },
            Self.rule("tenant") { $0.tenants = ["acme"] },
            Self.rule("path") { $0.pathPrefix = "/v1/embeddings" },
            Self.rule("model") { $0.models = ["gpt-4o", "claude"] },
            Self.rule("long") { $0.minPromptTokens = 32_000 },
            Self.rule("tools") { $0.tools = true },
            Self.rule("images") { $0.images = true },
            Self.rule("regex") { $0.lastUserMessagePattern = "(?i)\\bsql\\b" },
            Self.rule("short") { $0.maxPromptTokens = 10 },
        ])
        #expect(rules.referencedHeaders == [Array("x-team".utf8)])
        var facts = FactsBuilder(headers: [nil], promptTokens: 500)
        #expect(Self.first(rules, facts) == nil)

        facts.headers = ["search"]
        #expect(Self.first(rules, facts) == 0)
        facts.headers = ["Search"]
        #expect(Self.first(rules, facts) == nil)
        facts.headers = [nil]

        facts.key = "ci-key"
        #expect(Self.first(rules, facts) == 1)
        facts.key = "ci-ke"
        #expect(Self.first(rules, facts) == nil)
        facts.key = ""

        facts.tenant = "acme"
        #expect(Self.first(rules, facts) == 2)
        facts.tenant = ""

        facts.path = "/v1/embeddings/extra"
        #expect(Self.first(rules, facts) == 3)
        facts.path = "/v1/embed"
        #expect(Self.first(rules, facts) == nil)
        facts.path = "/v1/chat/completions"

        facts.model = "claude"
        #expect(Self.first(rules, facts) == 4)
        facts.model = "claude-3"
        #expect(Self.first(rules, facts) == nil)
        facts.model = ""

        facts.promptTokens = 32_000
        #expect(Self.first(rules, facts) == 5)
        facts.promptTokens = 500

        facts.tools = true
        #expect(Self.first(rules, facts) == 6)
        facts.tools = false

        facts.images = true
        #expect(Self.first(rules, facts) == 7)
        facts.images = false

        facts.message = "Write an SQL query"
        #expect(Self.first(rules, facts) == 8)
        facts.message = "Write a sequel"
        #expect(Self.first(rules, facts) == nil)
        facts.message = ""

        facts.promptTokens = 10
        #expect(Self.first(rules, facts) == 9)
    }

    @Test func allConditionsOfARuleMustHold() throws {
        let rules = try CompiledRules([
            Self.rule("both") {
                $0.models = ["gpt-4o"]
                $0.tools = false
                $0.minPromptTokens = 100
                $0.maxPromptTokens = 200
            },
        ])
        #expect(Self.first(rules, FactsBuilder(model: "gpt-4o", promptTokens: 150)) == 0)
        #expect(Self.first(rules, FactsBuilder(model: "gpt-4o", promptTokens: 150, tools: true)) == nil)
        #expect(Self.first(rules, FactsBuilder(model: "gpt-4o", promptTokens: 201)) == nil)
        #expect(Self.first(rules, FactsBuilder(model: "gpt-4", promptTokens: 150)) == nil)
    }

    @Test func firstMatchWins() throws {
        let rules = try CompiledRules([
            Self.rule("narrow") { $0.models = ["m"]; $0.tenants = ["t"] },
            Self.rule("broad") { $0.models = ["m"] },
            Self.rule("everything") { _ in },
        ])
        #expect(Self.first(rules, FactsBuilder(model: "m", tenant: "t")) == 0)
        #expect(Self.first(rules, FactsBuilder(model: "m", tenant: "u")) == 1)
        #expect(Self.first(rules, FactsBuilder(model: "x")) == 2)
    }

    @Test func headerAbsentVersusAnyValue() throws {
        let rules = try CompiledRules([
            Self.rule("any-debug") { $0.headers = [HeaderMatch(name: "x-debug", value: nil)] },
            Self.rule("empty-value") { $0.headers = [HeaderMatch(name: "X-Flag", value: "")] },
            Self.rule("two") { $0.headers = [HeaderMatch(name: "x-flag", value: "on"), HeaderMatch(name: "X-DEBUG", value: "1")] },
        ])
        // Names are deduplicated case-insensitively, in first-use order.
        #expect(rules.referencedHeaders == [Array("x-debug".utf8), Array("x-flag".utf8)])
        #expect(Self.first(rules, FactsBuilder(headers: [nil, nil])) == nil)
        #expect(Self.first(rules, FactsBuilder(headers: ["", nil])) == 0)
        #expect(Self.first(rules, FactsBuilder(headers: ["anything", nil])) == 0)
        #expect(Self.first(rules, FactsBuilder(headers: [nil, ""])) == 1)
        #expect(Self.first(rules, FactsBuilder(headers: [nil, "on"])) == nil)
    }

    @Test func absentFactsFailPresentConditions() throws {
        let rules = try CompiledRules([
            Self.rule("key") { $0.keys = [""] },
            Self.rule("message") { $0.lastUserMessagePattern = "x*" },
        ])
        // An empty pattern-capable regex still needs a message to look at.
        #expect(Self.first(rules, FactsBuilder()) == nil)
        #expect(Self.first(rules, FactsBuilder(message: "hello")) == 1)
    }

    @Test func badPatternNamesTheRule() {
        do {
            _ = try CompiledRules([
                Self.rule("fine") { $0.models = ["a"] },
                Self.rule("coding") { $0.lastUserMessagePattern = "(code|bug))" },
            ])
            Issue.record("compiled")
        } catch {
            #expect(error.ruleIndex == 1)
            #expect(error.description == "rule \"coding\" (#2): unbalanced ')' at 10")
        }
    }
}
