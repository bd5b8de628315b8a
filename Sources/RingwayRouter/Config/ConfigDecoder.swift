/// Reads typed values out of the JSON tree and records every mistake with
/// its path and position instead of stopping at the first one. Each reader
/// returns nil when the value is unusable (and has already been reported),
/// so callers simply keep the default.
final class ConfigDecoder {
    let source: ConfigSource
    private(set) var errors: [ConfigError] = []
    /// Paths that already have an error: validation stays quiet about them
    /// and everything inside them, so one mistake gives one message.
    private(set) var reportedPaths: [String] = []

    /// Values whose `${VAR}` could not be substituted: they still hold the
    /// raw text, so their shape errors would only repeat the real one.
    private let suppressedPaths: [String]

    init(source: ConfigSource, suppressing suppressedPaths: [String] = []) {
        self.source = source
        self.suppressedPaths = suppressedPaths
        self.reportedPaths = suppressedPaths
    }

    func report(_ path: String, at offset: Int, _ reason: String) {
        guard !suppressedPaths.contains(where: { ConfigPath.isWithin(path, $0) }) else { return }
        errors.append(source.error(path, at: offset, reason))
        reportedPaths.append(path)
    }

    func mismatch(_ node: ConfigJSON, _ path: String, expected: String) {
        report(path, at: node.offset, "expected \(expected), got \(node.summary)")
    }

    // MARK: - Containers

    /// The object's members after refusing every field not in `fields`.
    func object(_ node: ConfigJSON, _ path: String, fields: [String]) -> ConfigObject? {
        guard case .object(let members) = node.value else {
            mismatch(node, path, expected: "an object")
            return nil
        }
        for member in members where !fields.contains(member.key) {
            report(ConfigPath.member(path, member.key), at: member.keyOffset,
                   "unknown field \(ConfigText.quoted(member.key))\(NameSuggestion.hint(for: member.key, among: fields))")
        }
        return ConfigObject(decoder: self, node: node, path: path, members: members.filter { fields.contains($0.key) })
    }

    func array(_ node: ConfigJSON, _ path: String) -> [ConfigJSON]? {
        guard case .array(let elements) = node.value else {
            mismatch(node, path, expected: "an array")
            return nil
        }
        return elements
    }

    /// An object used as a map (pool name -> pool): members in file order.
    func entries(_ node: ConfigJSON, _ path: String, expected: String) -> [ConfigJSONMember]? {
        guard case .object(let members) = node.value else {
            mismatch(node, path, expected: expected)
            return nil
        }
        return members
    }

    // MARK: - Scalars

    func string(_ node: ConfigJSON, _ path: String) -> String? {
        guard case .string(let text) = node.value else {
            mismatch(node, path, expected: "a string")
            return nil
        }
        return text
    }

    func nonEmptyString(_ node: ConfigJSON, _ path: String) -> String? {
        guard let text = string(node, path) else { return nil }
        guard !text.isEmpty else {
            report(path, at: node.offset, "must not be empty")
            return nil
        }
        return text
    }

    func bool(_ node: ConfigJSON, _ path: String) -> Bool? {
        guard case .bool(let flag) = node.value else {
            mismatch(node, path, expected: "true or false")
            return nil
        }
        return flag
    }

    func int(_ node: ConfigJSON, _ path: String, _ range: ClosedRange<Int>) -> Int? {
        let expected = "a whole number in \(range.lowerBound)...\(range.upperBound)"
        guard case .number(let number) = node.value else {
            mismatch(node, path, expected: expected)
            return nil
        }
        guard let value = number.integer, range.contains(value) else {
            report(path, at: node.offset, "expected \(expected), got \(number.text)")
            return nil
        }
        return value
    }

    /// `range` nil upper bound = no maximum.
    func double(_ node: ConfigJSON, _ path: String, min: Double, max: Double?) -> Double? {
        let expected = max.map { "a number in \(Self.format(min))...\(Self.format($0))" }
            ?? "a number of at least \(Self.format(min))"
        guard case .number(let number) = node.value, let value = number.double else {
            mismatch(node, path, expected: expected)
            return nil
        }
        guard value >= min, value <= (max ?? .infinity) else {
            report(path, at: node.offset, "expected \(expected), got \(number.text)")
            return nil
        }
        return value
    }

    /// One of a fixed set of strings.
    func choice<T>(_ node: ConfigJSON, _ path: String, _ options: [(String, T)]) -> T? {
        let names = options.map(\.0)
        guard case .string(let text) = node.value else {
            mismatch(node, path, expected: "one of \(ConfigText.choices(names))")
            return nil
        }
        guard let match = options.first(where: { $0.0 == text }) else {
            report(path, at: node.offset,
                   "expected one of \(ConfigText.choices(names)), got \(ConfigText.quoted(text))\(NameSuggestion.hint(for: text, among: names))")
            return nil
        }
        return match.1
    }

    /// An array of non-empty strings; `nonEmpty` refuses `[]` (a list that
    /// can never match anything is a mistake, not a wish).
    func strings(_ node: ConfigJSON, _ path: String, nonEmpty: Bool = false) -> [(String, ConfigJSON, String)]? {
        guard case .array(let elements) = node.value else {
            mismatch(node, path, expected: "an array of strings")
            return nil
        }
        if nonEmpty && elements.isEmpty {
            report(path, at: node.offset, "must list at least one name")
            return nil
        }
        var out: [(String, ConfigJSON, String)] = []
        for (index, element) in elements.enumerated() {
            let elementPath = ConfigPath.index(path, index)
            if let text = nonEmptyString(element, elementPath) { out.append((text, element, elementPath)) }
        }
        return out
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// An object whose unknown fields have been reported: typed lookups by field
/// name, each reporting under `path.field`.
struct ConfigObject {
    let decoder: ConfigDecoder
    let node: ConfigJSON
    let path: String
    let members: [ConfigJSONMember]

    subscript(_ key: String) -> ConfigJSON? {
        members.first { $0.key == key }?.value
    }

    func path(_ key: String) -> String { ConfigPath.member(path, key) }

    func has(_ key: String) -> Bool { self[key] != nil }

    /// The field, or a "required field is missing" error at the object.
    func required(_ key: String) -> ConfigJSON? {
        if let value = self[key] { return value }
        decoder.report(path(key), at: node.offset, "required field is missing")
        return nil
    }

    func string(_ key: String) -> String? { self[key].flatMap { decoder.string($0, path(key)) } }
    func nonEmptyString(_ key: String) -> String? { self[key].flatMap { decoder.nonEmptyString($0, path(key)) } }
    func bool(_ key: String) -> Bool? { self[key].flatMap { decoder.bool($0, path(key)) } }
    func int(_ key: String, _ range: ClosedRange<Int>) -> Int? { self[key].flatMap { decoder.int($0, path(key), range) } }
    func double(_ key: String, min: Double, max: Double?) -> Double? {
        self[key].flatMap { decoder.double($0, path(key), min: min, max: max) }
    }
    func choice<T>(_ key: String, _ options: [(String, T)]) -> T? {
        self[key].flatMap { decoder.choice($0, path(key), options) }
    }
    func strings(_ key: String, nonEmpty: Bool = false) -> [(String, ConfigJSON, String)]? {
        self[key].flatMap { decoder.strings($0, path(key), nonEmpty: nonEmpty) }
    }

    /// Reports `reason` at the field's value (or at the object when absent).
    func report(_ key: String, _ reason: String) {
        decoder.report(path(key), at: self[key]?.offset ?? node.offset, reason)
    }
}
