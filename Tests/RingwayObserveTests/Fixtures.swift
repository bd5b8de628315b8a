@testable import RingwayObserve

/// A small config: two models, two pools, three endpoints, one key, two
/// priority classes.
enum Fixtures {
    static func layout() throws -> MetricsLayout {
        try MetricsLayout(
            models: ["llama", "qwen"],
            pools: ["gpu", "api"],
            endpoints: [.init(name: "gpu-0", pool: 0), .init(name: "gpu-1", pool: 0), .init(name: "openai", pool: 1)],
            keys: ["team-a"],
            priorities: ["interactive", "batch"])
    }

    static let µs: UInt64 = 1_000
    static let ms: UInt64 = 1_000_000
    static let s: UInt64 = 1_000_000_000

    /// The lines of an exposition, for `contains` checks.
    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
