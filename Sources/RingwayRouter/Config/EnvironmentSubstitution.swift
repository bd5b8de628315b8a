/// `${NAME}` in any string value of the file is replaced by that environment
/// variable, so secrets (API keys, hosted-API tokens) stay out of the file.
/// `$${` writes a literal `${`; a `$` not followed by `{` is kept as it is.
///
/// A variable that is not set is an error rather than an empty string: an
/// empty `Authorization: Bearer ` would otherwise reach the upstream and fail
/// far from its cause.
enum EnvironmentSubstitution {
    /// The tree with every string value substituted (object keys are names,
    /// not values, and are left alone), and an error per bad reference.
    static func apply(
        to node: ConfigJSON, path: String, environment: [String: String], source: ConfigSource
    ) -> (ConfigJSON, [ConfigError]) {
        var errors: [ConfigError] = []
        let result = substitute(node, path: path, environment: environment) { path, offset, reason in
            errors.append(source.error(path, at: offset, reason))
        }
        return (result, errors)
    }

    private static func substitute(
        _ node: ConfigJSON, path: String, environment: [String: String],
        report: (String, Int, String) -> Void
    ) -> ConfigJSON {
        var node = node
        switch node.value {
        case .string(let text):
            switch expand(text, environment: environment) {
            case .success(let expanded): node.value = .string(expanded)
            case .failure(let problem): report(path, node.offset, problem.reason)
            }
        case .array(let elements):
            node.value = .array(elements.enumerated().map { index, element in
                substitute(element, path: ConfigPath.index(path, index), environment: environment, report: report)
            })
        case .object(let members):
            node.value = .object(members.map { member in
                var member = member
                member.value = substitute(
                    member.value, path: ConfigPath.member(path, member.key), environment: environment, report: report)
                return member
            })
        case .null, .bool, .number:
            break
        }
        return node
    }

    struct Problem: Error, Equatable {
        var reason: String
    }

    /// Expands one string. Variable names follow POSIX shells:
    /// `[A-Za-z_][A-Za-z0-9_]*`.
    static func expand(_ text: String, environment: [String: String]) -> Result<String, Problem> {
        guard text.contains("$") else { return .success(text) }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var missing: [String] = []
        var i = 0
        while i < scalars.count {
            let here = scalars[i]
            if here == "$", i + 2 < scalars.count, scalars[i + 1] == "$", scalars[i + 2] == "{" {
                out.append(contentsOf: ["$", "{"])
                i += 3
                continue
            }
            guard here == "$", i + 1 < scalars.count, scalars[i + 1] == "{" else {
                out.append(here)
                i += 1
                continue
            }
            guard let close = scalars[(i + 2)...].firstIndex(of: "}") else {
                return .failure(Problem(reason: "unterminated \"${\" (write \"$${\" for a literal \"${\")"))
            }
            let name = String(String.UnicodeScalarView(scalars[(i + 2)..<close]))
            guard isVariableName(name) else {
                return .failure(Problem(
                    reason: "invalid environment variable name \(ConfigText.quoted(name)) in \"${…}\" (letters, digits and '_', not starting with a digit)"))
            }
            if let value = environment[name] {
                out.append(contentsOf: value.unicodeScalars)
            } else if !missing.contains(name) {
                missing.append(name)
            }
            i = close + 1
        }
        guard missing.isEmpty else {
            let names = missing.map(ConfigText.quoted).joined(separator: ", ")
            return .failure(Problem(
                reason: missing.count == 1
                    ? "environment variable \(names) is not set"
                    : "environment variables \(names) are not set"))
        }
        return .success(String(out))
    }

    private static func isVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
                return true
            default:
                return false
            }
        }
    }
}
