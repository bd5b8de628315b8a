import Testing
@testable import RingwayRouter

/// Shared helpers: decode a JSON text, and find where a snippet sits in it so
/// tests can state the exact line and column an error must point at.
enum ConfigTest {
    /// One pool and one model: the smallest config that validates.
    static let minimal = """
        {"pools": {"p": {"endpoints": ["http://127.0.0.1:8000"]}}, "models": {"m": {"pool": "p"}}}
        """

    static func decode(_ json: String, env: [String: String] = [:]) -> Result<RouterConfig, ConfigErrors> {
        RouterConfig.decode(Array(json.utf8), environment: env)
    }

    /// The config, or a test failure listing the errors.
    static func valid(_ json: String, env: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) -> RouterConfig? {
        switch decode(json, env: env) {
        case .success(let config): return config
        case .failure(let errors):
            Issue.record("expected a valid config, got:\n\(errors)", sourceLocation: sourceLocation)
            return nil
        }
    }

    static func errors(_ json: String, env: [String: String] = [:]) -> [ConfigError] {
        switch decode(json, env: env) {
        case .success: return []
        case .failure(let errors): return errors.errors
        }
    }

    /// Line and column (1-based, in characters) of the `occurrence`-th
    /// appearance of `snippet` in `text`.
    static func position(of snippet: String, in text: String, occurrence: Int = 1) -> (line: Int, column: Int) {
        var remaining = occurrence
        var line = 1, column = 1
        var index = text.startIndex
        while index < text.endIndex {
            if text[index...].hasPrefix(snippet) {
                remaining -= 1
                if remaining == 0 { return (line, column) }
            }
            if text[index] == "\n" {
                line += 1
                column = 1
            } else {
                column += text[index].unicodeScalars.count
            }
            index = text.index(after: index)
        }
        Issue.record("snippet \(snippet) not found")
        return (0, 0)
    }

    /// The error expected at `snippet`'s position.
    static func error(_ path: String, at snippet: String, in text: String, occurrence: Int = 1, _ reason: String) -> ConfigError {
        let (line, column) = position(of: snippet, in: text, occurrence: occurrence)
        return ConfigError(path: path, line: line, column: column, reason: reason)
    }

    /// Wraps extra top-level fields around the minimal pool and model.
    static func with(_ extra: String) -> String {
        """
        {
          "pools": {"p": {"endpoints": ["http://127.0.0.1:8000"]}},
          "models": {"m": {"pool": "p"}},
        \(extra)
        }
        """
    }
}
