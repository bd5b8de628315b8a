/// One problem in a config file: where it is (line, column and the field's
/// path) and what is wrong, in words that name the expected form.
///
///     line 12, column 9: pools.vllm.endpoints[1].url: expected http://host:port, …, got "htp://x"
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field, e.g. `pools.vllm.endpoints[1].url`; empty for the document
    /// as a whole (a syntax error at the top level, an unreadable file).
    public var path: String
    /// 1-based; 0 when the error has no place in the text (the file could not be read).
    public var line: Int
    /// 1-based, counted in characters (Unicode scalars; a tab is one) from the line start.
    public var column: Int
    public var reason: String

    public init(path: String, line: Int, column: Int, reason: String) {
        self.path = path
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String {
        var text = line > 0 ? "line \(line), column \(column): " : ""
        if !path.isEmpty { text += "\(path): " }
        return text + reason
    }

    /// The compiler-style line editors and CI logs recognise:
    /// `FILE:LINE:COLUMN: PATH: REASON`. An error without a position (the
    /// file could not be read) is its reason alone, which names the file.
    public func formatted(file: String) -> String {
        guard line > 0 else { return path.isEmpty ? reason : "\(path): \(reason)" }
        return path.isEmpty ? "\(file):\(line):\(column): \(reason)" : "\(file):\(line):\(column): \(path): \(reason)"
    }
}

/// Every error a config file has, in file order: a user fixes them all in one
/// pass instead of rerunning the check once per mistake.
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [ConfigError]

    public init(errors: [ConfigError]) {
        self.errors = errors
    }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
