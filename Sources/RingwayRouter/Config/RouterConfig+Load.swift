/// The public entry points: bytes or a file in, a validated config or every
/// error out.
extension RouterConfig {
    /// Reads, decodes and validates the file at `path`. `${NAME}` references
    /// are resolved from `environment` (usually the process environment).
    public static func load(path: String, environment: [String: String]) -> Result<RouterConfig, ConfigErrors> {
        switch ConfigFile.read(path) {
        case .success(let bytes): return decode(bytes, environment: environment)
        case .failure(let error): return .failure(ConfigErrors(errors: [error]))
        }
    }

    /// Parses, substitutes `${NAME}`, decodes and validates. Fails with every
    /// error found, in file order; a syntax error stops at the syntax error,
    /// since nothing after it can be read reliably.
    public static func decode(_ bytes: [UInt8], environment: [String: String]) -> Result<RouterConfig, ConfigErrors> {
        let source = ConfigSource(bytes)
        let (parsed, parseErrors) = ConfigJSONParser.parse(source)
        guard let parsed else { return .failure(ConfigErrors(errors: parseErrors)) }
        let (root, substitutionErrors) = EnvironmentSubstitution.apply(
            to: parsed, path: "", environment: environment, source: source)
        let decoder = ConfigDecoder(source: source, suppressing: substitutionErrors.map(\.path))
        let config = decode(root, with: decoder)
        var validator = ConfigValidator(
            config: config, map: ConfigSourceMap(root: root, source: source), alreadyReported: decoder.reportedPaths)
        validator.validate()
        let errors = parseErrors + substitutionErrors + decoder.errors + validator.errors
        guard errors.isEmpty else { return .failure(ConfigErrors(errors: inFileOrder(errors))) }
        return .success(config)
    }

    /// By position; errors at the same position keep the order they were found in.
    private static func inFileOrder(_ errors: [ConfigError]) -> [ConfigError] {
        errors.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
    }
}
