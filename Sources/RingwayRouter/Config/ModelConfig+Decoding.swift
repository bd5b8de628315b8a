/// `"models": {"<public name>": {...}}`: the catalog clients choose from.
extension ModelConfig {
    static let fieldNames = [
        "pool", "upstream_model", "aliases", "price", "context_window", "capabilities", "fallbacks", "fallback_on",
        "max_latency_ms", "owned_by", "count_stream_usage",
    ]

    /// Always returns a model, even a broken one, so that references to its
    /// name resolve and the file's other errors are still found.
    static func decode(_ entry: ConfigJSONMember, _ decoder: ConfigDecoder) -> ModelConfig {
        let path = ConfigPath.member("models", entry.key)
        ConfigName.check(entry.key, path, at: entry.keyOffset, decoder, what: "model")
        var model = ModelConfig(name: entry.key, pool: "")
        guard let object = decoder.object(entry.value, path, fields: fieldNames) else { return model }
        if let node = object.required("pool"), let pool = decoder.nonEmptyString(node, object.path("pool")) {
            model.pool = pool
        }
        model.upstreamModel = object.nonEmptyString("upstream_model")
        if let aliases = object.strings("aliases") {
            for (alias, node, aliasPath) in aliases {
                ConfigName.check(alias, aliasPath, at: node.offset, decoder, what: "alias")
                model.aliases.append(alias)
            }
        }
        if let node = object["price"] { model.price = decodePrice(node, object.path("price"), decoder) }
        model.contextWindow = object.int("context_window", ConfigLimits.contextWindow)
        if let capabilities = object.strings("capabilities") {
            let options = Capability.allCases.map { ($0.rawValue, $0) }
            for (_, node, itemPath) in capabilities {
                guard let capability = decoder.choice(node, itemPath, options) else { continue }
                if model.capabilities.contains(capability) {
                    decoder.report(itemPath, at: node.offset, "capability \(ConfigText.quoted(capability.rawValue)) is listed twice")
                }
                model.capabilities.insert(capability)
            }
        }
        if let fallbacks = object.strings("fallbacks") { model.fallbacks = fallbacks.map(\.0) }
        if let triggers = object.strings("fallback_on") {
            model.fallbackOn = []
            let options: [(String, FallbackTriggers)] = [
                ("429", .rateLimited), ("5xx", .serverError), ("timeout", .timeout), ("context_length", .contextLength),
            ]
            for (_, node, itemPath) in triggers {
                if let trigger = decoder.choice(node, itemPath, options) { model.fallbackOn.insert(trigger) }
            }
        }
        model.maxLatencyMs = object.int("max_latency_ms", ConfigLimits.timeoutMs)
        if let owner = object.nonEmptyString("owned_by") { model.ownedBy = owner }
        model.countStreamUsage = object.bool("count_stream_usage")
        return model
    }

    /// `{"input": USD, "output": USD}` per million tokens; both required,
    /// since a missing half would make `cheapest` compare the wrong totals.
    private static func decodePrice(_ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder) -> Price? {
        guard let object = decoder.object(node, path, fields: ["input", "output"]) else { return nil }
        let input = object.required("input").flatMap { decoder.double($0, object.path("input"), min: 0, max: nil) }
        let output = object.required("output").flatMap { decoder.double($0, object.path("output"), min: 0, max: nil) }
        guard let input, let output else { return nil }
        return Price(inputPerMillion: input, outputPerMillion: output)
    }
}
