import Foundation
import Testing
@testable import RingwayRouter

/// The shipped examples and the complete example in docs/CONFIG.md must
/// stay valid: documentation that fails `ringway check` is worse than none.
@Suite struct ConfigExamplesTests {
    /// The repository root, found from this file's location.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Config
        .deletingLastPathComponent()  // RingwayRouterTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static let environment = [
        "OPENAI_API_KEY": "sk-test-openai", "TEAM_A_KEY": "rw-team-a", "TEAM_B_KEY": "rw-team-b",
        "RINGWAY_APP_KEY": "rw-app", "RINGWAY_BATCH_KEY": "rw-batch",
    ]

    static func load(_ relativePath: String) throws -> RouterConfig {
        let path = root.appendingPathComponent(relativePath).path
        switch RouterConfig.load(path: path, environment: environment) {
        case .success(let config): return config
        case .failure(let errors): throw ExampleInvalid(description: "\(relativePath):\n\(errors)")
        }
    }

    struct ExampleInvalid: Error, CustomStringConvertible {
        var description: String
    }

    @Test func vllmSidecarIsValid() throws {
        let config = try Self.load("examples/vllm-sidecar.json")
        #expect(config.pools.count == 1)
        #expect(config.defaultTarget == .pool("vllm"))
    }

    @Test func poolsWithFallbacksIsValid() throws {
        let config = try Self.load("examples/pools-with-fallbacks.json")
        #expect(config.pools.map(\.strategy) == [
            .prefixAffinity(prefixBytes: 2048, loadFactor: 1.25), .loadAware, .leastOutstanding,
        ])
        #expect(config.pools.allSatisfy { $0.healthCheck != nil })
        #expect(config.models.contains { !$0.fallbacks.isEmpty })
    }

    @Test func hybridHostedLocalIsValid() throws {
        let config = try Self.load("examples/hybrid-hosted-local.json")
        #expect(config.pools[0].endpoints[0].address == .https(host: "api.openai.com", port: 443))
        #expect(config.pools[0].headers == [HeaderConfig(name: "authorization", value: "Bearer sk-test-openai")])
        #expect(config.keys.map(\.key) == ["rw-app", "rw-batch"])
        #expect(config.rules.contains { if case .cheapest = $0.target { true } else { false } })
    }

    @Test func examplesNeedTheirVariables() {
        let path = Self.root.appendingPathComponent("examples/hybrid-hosted-local.json").path
        guard case .failure(let errors) = RouterConfig.load(path: path, environment: [:]) else {
            Issue.record("expected missing variables to fail")
            return
        }
        #expect(errors.errors.map(\.reason) == [
            "environment variable \"OPENAI_API_KEY\" is not set",
            "environment variable \"RINGWAY_APP_KEY\" is not set",
            "environment variable \"RINGWAY_BATCH_KEY\" is not set",
        ])
    }

    /// The first ```json block of docs/CONFIG.md titled "A complete example".
    static func completeExample() throws -> String {
        let text = try String(contentsOf: root.appendingPathComponent("docs/CONFIG.md"), encoding: .utf8)
        guard let section = text.range(of: "## A complete example"),
              let open = text.range(of: "```json\n", range: section.upperBound..<text.endIndex),
              let close = text.range(of: "\n```", range: open.upperBound..<text.endIndex) else {
            throw ExampleInvalid(description: "docs/CONFIG.md has no ```json block under \"## A complete example\"")
        }
        return String(text[open.upperBound..<close.lowerBound])
    }

    @Test func theCompleteDocumentedExampleIsValidAndUsesEveryField() throws {
        let json = try Self.completeExample()
        let config = try #require(ConfigTest.valid(json, env: Self.environment))
        #expect(config.pools.count == 5)
        #expect(config.models.count == 5)
        #expect(config.rules.count == 3)
        #expect(config.splits.count == 1)
        #expect(config.shadows.count == 1)

        // Every field name the decoder knows appears in the example.
        let everyField = RouterConfig.fieldNames + PoolConfig.fieldNames + ModelConfig.fieldNames + RouteConfig.fieldNames
            + RuleConfig.fieldNames + RuleMatch.fieldNames + APIKeyConfig.fieldNames + RetryConfig.fieldNames
            + SplitConfig.fieldNames + ["url", "weight", "prefix_bytes", "load_factor", "max_waiting", "timeout_ms",
                                        "interval_ms", "unhealthy_after", "healthy_after", "flavor", "consecutive_failures",
                                        "ejection_ms", "max_ejected_percent", "input", "output", "header", "classes",
                                        "default", "fraction", "server_name", "insecure_skip_verify"]
        for field in everyField {
            #expect(json.contains("\"\(field)\":"), "the complete example lacks \"\(field)\"")
        }
        // And docs/CONFIG.md documents each of them.
        let doc = try String(contentsOf: Self.root.appendingPathComponent("docs/CONFIG.md"), encoding: .utf8)
        for field in everyField {
            #expect(doc.contains("`\(field)`") || doc.contains(".\(field)`"), "docs/CONFIG.md does not document \"\(field)\"")
        }
    }
}
