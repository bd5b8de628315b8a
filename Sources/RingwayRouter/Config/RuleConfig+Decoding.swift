/// `"rules"` (first match wins) and the targets rules and `"default"` share.
extension RuleConfig {
    static let fieldNames = ["name", "match"] + RuleTarget.fieldNames

    /// A broken rule still takes its place in the list, so that `rules[i]`
    /// in later messages means the file's `i`.
    static func decode(_ node: ConfigJSON, _ path: String, index: Int, _ decoder: ConfigDecoder) -> RuleConfig {
        var rule = RuleConfig(name: "rule-\(index + 1)", match: RuleMatch(), target: .model(""))
        guard let object = decoder.object(node, path, fields: fieldNames) else {
            return rule
        }
        if let node = object["name"], let name = decoder.string(node, object.path("name")) {
            ConfigName.check(name, object.path("name"), at: node.offset, decoder, what: "rule")
            rule.name = name
        }
        if let node = object["match"] { rule.match = RuleMatch.decode(node, object.path("match"), decoder) }
        if let target = RuleTarget.decode(in: object, what: "a rule") { rule.target = target }
        return rule
    }
}

extension RuleTarget {
    static let fieldNames = ["model", "pool", "cheapest"]

    /// Exactly one of `"model"`, `"pool"`, `"cheapest"` in `object`.
    static func decode(in object: ConfigObject, what: String) -> RuleTarget? {
        let decoder = object.decoder
        let present = fieldNames.filter(object.has)
        guard let first = present.first else {
            decoder.report(object.path, at: object.node.offset,
                           "\(what) needs exactly one target: \"model\", \"pool\" or \"cheapest\"")
            return nil
        }
        for extra in present.dropFirst() {
            object.report(extra, "\(what) has exactly one target; \(ConfigText.quoted(first)) is already set")
        }
        switch first {
        case "model": return object.nonEmptyString("model").map(RuleTarget.model)
        case "pool": return object.nonEmptyString("pool").map(RuleTarget.pool)
        default: return object.strings("cheapest", nonEmpty: true).map { RuleTarget.cheapest($0.map(\.0)) }
        }
    }
}

extension RuleMatch {
    static let fieldNames = [
        "header", "key", "tenant", "path_prefix", "model", "min_prompt_tokens", "max_prompt_tokens", "tools", "images",
        "last_user_message",
    ]

    /// Every present condition must hold; `{}` (or no `"match"`) always matches.
    static func decode(_ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder) -> RuleMatch {
        var match = RuleMatch()
        guard let object = decoder.object(node, path, fields: fieldNames) else { return match }
        if let node = object["header"] {
            // "*" = present with any value.
            match.headers = HeaderFieldsDecoding.decode(node, object.path("header"), decoder).map { field in
                HeaderMatch(name: field.name, value: field.value == "*" ? nil : field.value)
            }
        }
        match.keys = object.strings("key", nonEmpty: true)?.map(\.0) ?? []
        match.tenants = object.strings("tenant", nonEmpty: true)?.map(\.0) ?? []
        match.models = object.strings("model", nonEmpty: true)?.map(\.0) ?? []
        if let prefix = object.string("path_prefix") {
            if ConfigSyntax.isRequestPath(prefix) {
                match.pathPrefix = prefix
            } else {
                object.report("path_prefix", "expected a request path starting with '/', got \(ConfigText.quoted(prefix))")
            }
        }
        match.minPromptTokens = object.int("min_prompt_tokens", ConfigLimits.tokens)
        match.maxPromptTokens = object.int("max_prompt_tokens", ConfigLimits.tokens)
        if let low = match.minPromptTokens, let high = match.maxPromptTokens, low > high {
            object.report("max_prompt_tokens", "max_prompt_tokens (\(high)) is below min_prompt_tokens (\(low)); the rule could never match")
        }
        match.tools = object.bool("tools")
        match.images = object.bool("images")
        match.lastUserMessagePattern = object.nonEmptyString("last_user_message")
        // The same compiler the router uses, so `ringway check` refuses
        // exactly the patterns a reload would.
        if let pattern = match.lastUserMessagePattern, case .failure(let error) = BytePattern.compile(pattern) {
            object.report("last_user_message", "invalid pattern: \(error)")
        }
        return match
    }
}
