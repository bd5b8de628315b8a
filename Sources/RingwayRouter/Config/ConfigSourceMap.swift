/// Where each value of the file starts, by path, so that checks made on the
/// decoded `RouterConfig` (references, cycles) can still point at the text.
struct ConfigSourceMap {
    private var offsets: [String: Int] = [:]
    let source: ConfigSource

    init(root: ConfigJSON, source: ConfigSource) {
        self.source = source
        record(root, path: "")
    }

    private mutating func record(_ node: ConfigJSON, path: String) {
        offsets[path] = node.offset
        switch node.value {
        case .array(let elements):
            for (index, element) in elements.enumerated() { record(element, path: ConfigPath.index(path, index)) }
        case .object(let members):
            for member in members { record(member.value, path: ConfigPath.member(path, member.key)) }
        case .null, .bool, .number, .string:
            break
        }
    }

    /// An error at the first of `paths` the file has (a check about a field
    /// the file omits points at its enclosing object); the document start
    /// when none is there.
    func error(_ paths: [String], _ reason: String) -> ConfigError {
        let offset = paths.lazy.compactMap { offsets[$0] }.first ?? offsets[""] ?? 0
        return source.error(paths[0], at: offset, reason)
    }
}
