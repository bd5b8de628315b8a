/// Checks that need the whole decoded config: every name a field refers to
/// exists, names do not collide, fallback chains end. Each error points at
/// the referring value through the source map.
///
/// Paths the decoder already reported (and everything inside them) are left
/// alone: a model whose `"pool"` had the wrong type should get one message,
/// not a second "unknown pool" about the placeholder.
struct ConfigValidator {
    let config: RouterConfig
    let map: ConfigSourceMap
    private let alreadyReported: [String]
    private(set) var errors: [ConfigError] = []

    init(config: RouterConfig, map: ConfigSourceMap, alreadyReported: [String]) {
        self.config = config
        self.map = map
        self.alreadyReported = alreadyReported
    }

    mutating func validate() {
        checkPools()
        checkModels()
        FallbackCycles.find(in: config.models).forEach { cycle in
            report(cycle.path, "fallback cycle: " + cycle.names.joined(separator: " → "))
        }
        checkRoutes()
        checkRules()
        if let target = config.defaultTarget { checkTarget(target, "default") }
        checkModelRoutesHaveATarget()
        checkKeysAndPriority()
        checkSplits()
        checkShadows()
        if let admin = config.admin.listen, admin == config.listen {
            report(["admin.listen", "admin"], "the admin listener must not share the client listener's address \(ConfigText.quoted(admin))")
        }
    }

    // MARK: - Sections

    private mutating func checkPools() {
        if config.pools.isEmpty { report(["pools", ""], "at least one pool is required") }
    }

    private mutating func checkModels() {
        var aliasOwners: [String: String] = [:]
        for model in config.models {
            let path = modelPath(model.name)
            if !model.pool.isEmpty { checkPool(model.pool, ConfigPath.member(path, "pool")) }
            for (index, alias) in model.aliases.enumerated() {
                let aliasPath = ConfigPath.index(ConfigPath.member(path, "aliases"), index)
                if alias == model.name {
                    report(aliasPath, "alias repeats the model's own name")
                } else if modelNames.contains(alias) {
                    report(aliasPath, "alias \(ConfigText.quoted(alias)) is already the name of a model")
                } else if let owner = aliasOwners[alias] {
                    let whose = owner == model.name ? "this model" : "model \(ConfigText.quoted(owner))"
                    report(aliasPath, "alias \(ConfigText.quoted(alias)) is already an alias of \(whose)")
                } else {
                    aliasOwners[alias] = model.name
                }
            }
            var seen: Set<String> = []
            for (index, fallback) in model.fallbacks.enumerated() {
                let fallbackPath = ConfigPath.index(ConfigPath.member(path, "fallbacks"), index)
                if !seen.insert(fallback).inserted {
                    report(fallbackPath, "model \(ConfigText.quoted(fallback)) is already a fallback")
                } else if fallback != model.name {
                    checkModel(fallback, fallbackPath)
                }
            }
        }
    }

    private mutating func checkRoutes() {
        var seen: [String: Int] = [:]
        for (index, route) in config.routes.enumerated() where !route.path.isEmpty {
            let path = ConfigPath.index("routes", index)
            let key = (route.isPrefix ? "prefix " : "path ") + route.path
            if let first = seen[key] {
                report(path, "\(key) is already routed by routes[\(first)]")
            } else {
                seen[key] = index
            }
            if case .passthrough(let pool) = route.kind { checkPool(pool, ConfigPath.member(path, "pool")) }
        }
    }

    private mutating func checkRules() {
        var names: [String: Int] = [:]
        for (index, rule) in config.rules.enumerated() {
            let path = ConfigPath.index("rules", index)
            if let first = names[rule.name] {
                report(ConfigPath.member(path, "name"), "rule name \(ConfigText.quoted(rule.name)) is already used by rules[\(first)]")
            } else {
                names[rule.name] = index
            }
            let keyNames = config.keys.map(\.name)
            for (keyIndex, key) in rule.match.keys.enumerated() where !keyNames.contains(key) {
                report(ConfigPath.index(ConfigPath.member(ConfigPath.member(path, "match"), "key"), keyIndex),
                       unknown("key", key, known: keyNames))
            }
            checkTarget(rule.target, path)
        }
    }

    /// A rule's or the default's `"model"`, `"pool"` or `"cheapest"`.
    private mutating func checkTarget(_ target: RuleTarget, _ path: String) {
        switch target {
        case .model(let name):
            if !name.isEmpty { checkModel(name, ConfigPath.member(path, "model")) }
        case .pool(let name):
            checkPool(name, ConfigPath.member(path, "pool"))
        case .cheapest(let names):
            var seen: Set<String> = []
            for (index, name) in names.enumerated() {
                let candidatePath = ConfigPath.index(ConfigPath.member(path, "cheapest"), index)
                if !seen.insert(name).inserted {
                    report(candidatePath, "model \(ConfigText.quoted(name)) is already a candidate")
                } else if checkModel(name, candidatePath),
                          let model = config.models.first(where: { $0.name == name }), model.price == nil,
                          !hasReports(inside: ConfigPath.member(modelPath(name), "price")) {
                    report(candidatePath, "model \(ConfigText.quoted(name)) has no \"price\"; every \"cheapest\" candidate needs one")
                }
            }
        }
    }

    private mutating func checkModelRoutesHaveATarget() {
        let modelRoutes = config.routes.filter { $0.kind == .model && !$0.path.isEmpty }
        guard !modelRoutes.isEmpty, config.models.isEmpty, config.defaultTarget == nil, !isReported("default") else { return }
        let paths = modelRoutes.prefix(3).map(\.path).joined(separator: ", ") + (modelRoutes.count > 3 ? ", …" : "")
        report(["models", "pools", ""], "model routes (\(paths)) need at least one model or a \"default\" target")
    }

    private mutating func checkKeysAndPriority() {
        let classes = config.priority.classes
        if !classes.isEmpty, !classes.contains(config.priority.defaultClass) {
            report(["priority.default", "priority"], unknown("priority class", config.priority.defaultClass, known: classes))
        }
        var names: [String: Int] = [:]
        var secrets: [String: Int] = [:]
        for (index, key) in config.keys.enumerated() {
            let path = ConfigPath.index("keys", index)
            if !key.name.isEmpty {
                if let first = names[key.name] {
                    report(ConfigPath.member(path, "name"), "key name \(ConfigText.quoted(key.name)) is already used by keys[\(first)]")
                } else {
                    names[key.name] = index
                }
            }
            if !key.key.isEmpty {
                if let first = secrets[key.key] {
                    // The secret itself is never printed.
                    report(ConfigPath.member(path, "key"), "the same key value is already given to keys[\(first)]")
                } else {
                    secrets[key.key] = index
                }
            }
            if let priority = key.priority, !classes.contains(priority) {
                report(ConfigPath.member(path, "priority"), unknown("priority class", priority, known: classes))
            }
        }
        if config.requireKey && config.keys.isEmpty {
            report(["require_key"], "\"require_key\" is true but no \"keys\" are configured; every request would be refused")
        }
    }

    private mutating func checkSplits() {
        var names: [String: Int] = [:]
        var models: [String: Int] = [:]
        for (index, split) in config.splits.enumerated() {
            let path = ConfigPath.index("splits", index)
            if !split.name.isEmpty {
                if let first = names[split.name] {
                    report([ConfigPath.member(path, "name"), path], "split name \(ConfigText.quoted(split.name)) is already used by splits[\(first)]")
                } else {
                    names[split.name] = index
                }
            }
            if !split.model.isEmpty {
                checkModel(split.model, ConfigPath.member(path, "model"))
                if let first = models[split.model] {
                    report(ConfigPath.member(path, "model"), "model \(ConfigText.quoted(split.model)) is already split by splits[\(first)]")
                } else {
                    models[split.model] = index
                }
            }
            let targetsPath = ConfigPath.member(path, "targets")
            for (targetIndex, target) in split.targets.enumerated() where !target.model.isEmpty {
                checkModel(target.model, ConfigPath.member(ConfigPath.index(targetsPath, targetIndex), "model"))
            }
            if !split.targets.isEmpty, split.targets.allSatisfy({ $0.weight == 0 }) {
                report(targetsPath, "target weights sum to 0; at least one must be positive")
            }
        }
    }

    private mutating func checkShadows() {
        var models: [String: Int] = [:]
        for (index, shadow) in config.shadows.enumerated() {
            let path = ConfigPath.index("shadows", index)
            if !shadow.model.isEmpty, checkModel(shadow.model, ConfigPath.member(path, "model")) {
                if let first = models[shadow.model] {
                    report(ConfigPath.member(path, "model"), "model \(ConfigText.quoted(shadow.model)) is already shadowed by shadows[\(first)]")
                } else {
                    models[shadow.model] = index
                }
            }
            if !shadow.pool.isEmpty { checkPool(shadow.pool, ConfigPath.member(path, "pool")) }
        }
    }

    // MARK: - References

    private var modelNames: [String] { config.models.map(\.name) }

    private func modelPath(_ name: String) -> String { ConfigPath.member("models", name) }

    private mutating func checkPool(_ name: String, _ path: String) {
        let names = config.pools.map(\.name)
        if !names.contains(name) { report(path, unknown("pool", name, known: names)) }
    }

    /// References name models by their public name, as the routing table
    /// indexes them. An alias is refused with the name to use, so fallback
    /// chains, splits and cheapest candidates are unambiguous.
    @discardableResult
    private mutating func checkModel(_ name: String, _ path: String) -> Bool {
        if modelNames.contains(name) { return true }
        if let owner = config.models.first(where: { $0.aliases.contains(name) }) {
            report(path, "\(ConfigText.quoted(name)) is an alias of model \(ConfigText.quoted(owner.name)); refer to the model by its name")
        } else {
            report(path, unknown("model", name, known: modelNames))
        }
        return false
    }

    /// `unknown pool "vlm" (did you mean "vllm"?)`, or the names there are.
    private func unknown(_ kind: String, _ name: String, known allNames: [String]) -> String {
        var known: [String] = []
        for candidate in allNames where !candidate.isEmpty && !known.contains(candidate) { known.append(candidate) }
        let base = "unknown \(kind) \(ConfigText.quoted(name))"
        if let match = NameSuggestion.closest(to: name, among: known) {
            return base + " (did you mean \(ConfigText.quoted(match))?)"
        }
        if known.isEmpty { return base + " (none are defined)" }
        let listed = known.prefix(8).map(ConfigText.quoted).joined(separator: ", ") + (known.count > 8 ? ", …" : "")
        return base + " (defined: \(listed))"
    }

    // MARK: - Reporting

    private func isReported(_ path: String) -> Bool {
        alreadyReported.contains { ConfigPath.isWithin(path, $0) }
    }

    /// True when `path` or anything inside it already has an error.
    private func hasReports(inside path: String) -> Bool {
        alreadyReported.contains { ConfigPath.isWithin($0, path) }
    }

    private mutating func report(_ path: String, _ reason: String) {
        report([path], reason)
    }

    /// At the first of `paths` the file has; the error names `paths[0]`.
    private mutating func report(_ paths: [String], _ reason: String) {
        guard !isReported(paths[0]) else { return }
        errors.append(map.error(paths, reason))
    }
}
