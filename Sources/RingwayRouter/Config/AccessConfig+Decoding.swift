/// `"keys"` (who the clients are) and `"priority"` (how they rank).
extension APIKeyConfig {
    static let fieldNames = ["name", "key", "tenant", "priority"]

    /// A broken key still takes its place in the list, so that `keys[i]` in
    /// later messages means the file's `i`.
    static func decode(_ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder) -> APIKeyConfig {
        var key = APIKeyConfig(name: "", key: "")
        guard let object = decoder.object(node, path, fields: fieldNames) else { return key }
        if let node = object.required("name"), let name = decoder.string(node, object.path("name")) {
            ConfigName.check(name, object.path("name"), at: node.offset, decoder, what: "key")
            key.name = name
        }
        if let node = object.required("key"), let secret = decoder.string(node, object.path("key")) {
            // Never echoed: it is the secret.
            if secret.isEmpty {
                object.report("key", "must not be empty (an unset variable substituted as empty?)")
            } else if secret.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
                object.report("key", "must not contain spaces or control characters")
            } else {
                key.key = secret
            }
        }
        key.tenant = object.nonEmptyString("tenant")
        key.priority = object.nonEmptyString("priority")
        return key
    }
}

extension PriorityConfig {
    static func decode(_ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder) -> PriorityConfig {
        var priority = PriorityConfig()
        guard let object = decoder.object(node, path, fields: ["header", "classes", "default"]) else { return priority }
        if let header = object.string("header") {
            if ConfigSyntax.isHeaderName(header) {
                priority.header = header.lowercased()
            } else {
                object.report("header", "\(ConfigText.quoted(header)) is not a valid header name (RFC 9110 token characters only)")
            }
        }
        if let classes = object.strings("classes", nonEmpty: true) {
            var names: [String] = []
            for (name, node, itemPath) in classes {
                if names.contains(name) {
                    decoder.report(itemPath, at: node.offset, "priority class \(ConfigText.quoted(name)) is listed twice")
                } else {
                    ConfigName.check(name, itemPath, at: node.offset, decoder, what: "priority class")
                    names.append(name)
                }
            }
            priority.classes = names
        }
        if let name = object.nonEmptyString("default") { priority.defaultClass = name }
        return priority
    }
}

extension RetryConfig {
    static let fieldNames = [
        "max_attempts", "backoff_ms", "try_timeout_ms", "total_timeout_ms", "pre_commit_ms", "pre_commit_events",
    ]

    static func decode(_ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder) -> RetryConfig {
        var retry = RetryConfig()
        guard let object = decoder.object(node, path, fields: fieldNames) else { return retry }
        if let n = object.int("max_attempts", ConfigLimits.maxAttempts) { retry.maxAttempts = n }
        if let n = object.int("backoff_ms", ConfigLimits.backoffMs) { retry.backoffMs = n }
        retry.tryTimeoutMs = object.int("try_timeout_ms", ConfigLimits.timeoutMs)
        retry.totalTimeoutMs = object.int("total_timeout_ms", ConfigLimits.timeoutMs)
        if let n = object.int("pre_commit_ms", ConfigLimits.preCommitMs) { retry.preCommitMs = n }
        if let n = object.int("pre_commit_events", ConfigLimits.preCommitEvents) { retry.preCommitEvents = n }
        if let tryMs = retry.tryTimeoutMs, let totalMs = retry.totalTimeoutMs, tryMs > totalMs {
            object.report("try_timeout_ms", "try_timeout_ms (\(tryMs)) must not exceed total_timeout_ms (\(totalMs))")
        }
        return retry
    }
}
