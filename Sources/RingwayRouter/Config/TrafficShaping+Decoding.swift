/// `"splits"` (A/B by weight) and `"shadows"` (mirrored traffic).
extension SplitConfig {
    static let fieldNames = ["name", "model", "targets", "sticky"]

    /// A broken split still takes its place in the list, so that
    /// `splits[i]` in later messages means the file's `i`.
    static func decode(_ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder) -> SplitConfig {
        var split = SplitConfig(name: "", model: "", targets: [])
        guard let object = decoder.object(node, path, fields: fieldNames) else { return split }
        if let model = object.required("model").flatMap({ decoder.nonEmptyString($0, object.path("model")) }) {
            split.model = model
            split.name = model
        }
        if let node = object["name"], let name = decoder.string(node, object.path("name")) {
            ConfigName.check(name, object.path("name"), at: node.offset, decoder, what: "split")
            split.name = name
        }
        if let node = object.required("targets"), let elements = decoder.array(node, object.path("targets")) {
            if elements.isEmpty { object.report("targets", "a split needs at least one target") }
            for (index, element) in elements.enumerated() {
                let targetPath = ConfigPath.index(object.path("targets"), index)
                guard let target = decoder.object(element, targetPath, fields: ["model", "weight"]) else {
                    split.targets.append(SplitTarget(model: "", weight: 0))
                    continue
                }
                let model = target.required("model").flatMap { decoder.nonEmptyString($0, target.path("model")) }
                let weight = target.required("weight").flatMap { decoder.int($0, target.path("weight"), ConfigLimits.splitWeight) }
                split.targets.append(SplitTarget(model: model ?? "", weight: weight ?? 0))
            }
        }
        if let node = object["sticky"], let sticky = decoder.string(node, object.path("sticky")) {
            if let key = decodeSticky(sticky) {
                split.sticky = key
            } else {
                object.report("sticky", "expected \"user\", \"key\", \"none\" or \"header:<name>\", got \(ConfigText.quoted(sticky))")
            }
        }
        return split
    }

    private static func decodeSticky(_ text: String) -> StickyKey? {
        switch text {
        case "user": return .user
        case "key": return .apiKey
        case "none": return StickyKey.none
        default:
            guard text.hasPrefix("header:") else { return nil }
            let name = String(text.dropFirst(7))
            return ConfigSyntax.isHeaderName(name) ? .header(name.lowercased()) : nil
        }
    }
}

extension ShadowConfig {
    static func decode(_ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder) -> ShadowConfig {
        var shadow = ShadowConfig(model: "", pool: "", fraction: 0)
        guard let object = decoder.object(node, path, fields: ["model", "pool", "fraction"]) else { return shadow }
        if let model = object.required("model").flatMap({ decoder.nonEmptyString($0, object.path("model")) }) {
            shadow.model = model
        }
        if let pool = object.required("pool").flatMap({ decoder.nonEmptyString($0, object.path("pool")) }) {
            shadow.pool = pool
        }
        if let fraction = object.required("fraction").flatMap({ decoder.double($0, object.path("fraction"), min: 0, max: 1) }) {
            shadow.fraction = fraction
        }
        return shadow
    }
}
