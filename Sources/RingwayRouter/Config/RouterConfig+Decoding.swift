/// The top level of the file: which sections exist and who decodes each.
/// Shape, types and ranges are checked here, field by field; what needs the
/// whole config (references, cycles, duplicates across sections) is left to
/// `RouterConfig+Validation.swift`.
extension RouterConfig {
    static let fieldNames = [
        "listen", "admin", "pools", "models", "routes", "rules", "default", "keys", "require_key",
        "priority", "retry", "splits", "shadows", "access_log", "count_stream_usage",
    ]

    static func decode(_ root: ConfigJSON, with decoder: ConfigDecoder) -> RouterConfig {
        var config = RouterConfig()
        guard let object = decoder.object(root, "", fields: fieldNames) else { return config }
        if let node = object["listen"] {
            config.listen = decodeListen(node, object.path("listen"), decoder)
        }
        if let node = object["admin"] {
            config.admin = AdminConfig.decode(node, object.path("admin"), decoder)
        }
        if let node = object["pools"], let entries = decoder.entries(node, "pools", expected: "an object of pool name -> pool") {
            config.pools = entries.map { PoolConfig.decode($0, decoder) }
        }
        if let node = object["models"], let entries = decoder.entries(node, "models", expected: "an object of model name -> model") {
            config.models = entries.map { ModelConfig.decode($0, decoder) }
        }
        if let node = object["routes"] {
            config.routes = RouteConfig.decodeList(node, "routes", decoder)
        }
        if let node = object["rules"], let elements = decoder.array(node, "rules") {
            config.rules = elements.enumerated().map { RuleConfig.decode($1, ConfigPath.index("rules", $0), index: $0, decoder) }
        }
        if let node = object["default"], node.value != .null {
            config.defaultTarget = decoder.object(node, "default", fields: RuleTarget.fieldNames)
                .flatMap { RuleTarget.decode(in: $0, what: "\"default\"") }
        }
        if let node = object["keys"], let elements = decoder.array(node, "keys") {
            config.keys = elements.enumerated().map { APIKeyConfig.decode($1, ConfigPath.index("keys", $0), decoder) }
        }
        if let flag = object.bool("require_key") { config.requireKey = flag }
        if let flag = object.bool("count_stream_usage") { config.countStreamUsage = flag }
        if let node = object["priority"] { config.priority = PriorityConfig.decode(node, "priority", decoder) }
        if let node = object["retry"] { config.retry = RetryConfig.decode(node, "retry", decoder) }
        if let node = object["splits"], let elements = decoder.array(node, "splits") {
            config.splits = elements.enumerated().map { SplitConfig.decode($1, ConfigPath.index("splits", $0), decoder) }
        }
        if let node = object["access_log"], node.value != .null,
           let log = decoder.object(node, "access_log", fields: ["path", "sample_rate"])
        {
            var access = AccessLogConfig()
            if let path = log.string("path") {
                if path.isEmpty { log.report("path", "must be a file path or \"stdout\"") } else { access.path = path }
            }
            if let rate = log.double("sample_rate", min: 0, max: 1) { access.sampleRate = rate }
            config.accessLog = access
        }
        if let node = object["shadows"], let elements = decoder.array(node, "shadows") {
            config.shadows = elements.enumerated().map { ShadowConfig.decode($1, ConfigPath.index("shadows", $0), decoder) }
        }
        return config
    }

    /// A listener address, kept as written once it parses.
    static func decodeListen(_ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder) -> String? {
        guard let text = decoder.string(node, path) else { return nil }
        switch ConfigSyntax.listenAddress(text) {
        case .success: return text
        case .failure(let refusal):
            decoder.report(path, at: node.offset, refusal.reason)
            return nil
        }
    }
}

extension AdminConfig {
    /// `{"listen": "host:port"}`, or `null` to run without an admin listener.
    static func decode(_ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder) -> AdminConfig {
        var admin = AdminConfig()
        if node.value == .null {
            admin.listen = nil
            return admin
        }
        guard let object = decoder.object(node, path, fields: ["listen"]) else { return admin }
        if let listen = object["listen"] {
            admin.listen = listen.value == .null ? nil : RouterConfig.decodeListen(listen, object.path("listen"), decoder)
        }
        return admin
    }
}
