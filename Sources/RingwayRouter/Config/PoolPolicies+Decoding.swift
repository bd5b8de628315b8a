/// A pool's sub-objects: admission queue, active probes, metric scrapes and
/// passive outlier ejection. Each starts from its defaults and takes only
/// the fields the file sets.
extension QueueConfig {
    static func decode(_ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder) -> QueueConfig {
        var queue = QueueConfig()
        guard let object = decoder.object(node, path, fields: ["max_waiting", "timeout_ms"]) else { return queue }
        if let n = object.int("max_waiting", ConfigLimits.maxWaiting) { queue.maxWaiting = n }
        if let n = object.int("timeout_ms", ConfigLimits.timeoutMs) { queue.timeoutMs = n }
        return queue
    }
}

extension HealthCheckConfig {
    /// `true` = probe with the defaults, `false` = no probes, or an object.
    static func decode(_ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder) -> HealthCheckConfig? {
        if case .bool(let enabled) = node.value { return enabled ? HealthCheckConfig() : nil }
        guard case .object = node.value else {
            decoder.mismatch(node, path, expected: "true, false or an object")
            return nil
        }
        var check = HealthCheckConfig()
        let fields = ["path", "interval_ms", "timeout_ms", "unhealthy_after", "healthy_after"]
        guard let object = decoder.object(node, path, fields: fields) else { return nil }
        if let probePath = ProbeTiming.decodePath(object) { check.path = probePath }
        if let n = object.int("interval_ms", ConfigLimits.timeoutMs) { check.intervalMs = n }
        if let n = object.int("timeout_ms", ConfigLimits.timeoutMs) { check.timeoutMs = n }
        if let n = object.int("unhealthy_after", ConfigLimits.probeThreshold) { check.unhealthyAfter = n }
        if let n = object.int("healthy_after", ConfigLimits.probeThreshold) { check.healthyAfter = n }
        ProbeTiming.check(object, intervalMs: check.intervalMs, timeoutMs: check.timeoutMs)
        return check
    }
}

extension MetricsScrapeConfig {
    /// `true` = scrape with the defaults, `false` = no scrapes, or an object.
    static func decode(_ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder) -> MetricsScrapeConfig? {
        if case .bool(let enabled) = node.value { return enabled ? MetricsScrapeConfig() : nil }
        guard case .object = node.value else {
            decoder.mismatch(node, path, expected: "true, false or an object")
            return nil
        }
        var scrape = MetricsScrapeConfig()
        guard let object = decoder.object(node, path, fields: ["path", "interval_ms", "timeout_ms", "flavor"]) else { return nil }
        if let probePath = ProbeTiming.decodePath(object) { scrape.path = probePath }
        if let n = object.int("interval_ms", ConfigLimits.timeoutMs) { scrape.intervalMs = n }
        if let n = object.int("timeout_ms", ConfigLimits.timeoutMs) { scrape.timeoutMs = n }
        if let flavor = object.choice("flavor", [("vllm", MetricsFlavor.vllm), ("sglang", .sglang)]) { scrape.flavor = flavor }
        ProbeTiming.check(object, intervalMs: scrape.intervalMs, timeoutMs: scrape.timeoutMs)
        return scrape
    }
}

extension OutlierConfig {
    static func decode(_ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder) -> OutlierConfig {
        var outlier = OutlierConfig()
        let fields = ["consecutive_failures", "ejection_ms", "max_ejected_percent"]
        guard let object = decoder.object(node, path, fields: fields) else { return outlier }
        if let n = object.int("consecutive_failures", ConfigLimits.consecutiveFailures) { outlier.consecutiveFailures = n }
        if let n = object.int("ejection_ms", ConfigLimits.timeoutMs) { outlier.ejectionMs = n }
        if let n = object.int("max_ejected_percent", ConfigLimits.percent) { outlier.maxEjectedPercent = n }
        return outlier
    }
}

/// What health checks and metric scrapes share.
enum ProbeTiming {
    static func decodePath(_ object: ConfigObject) -> String? {
        guard let path = object.string("path") else { return nil }
        guard ConfigSyntax.isRequestPath(path) else {
            object.report("path", "expected a request path starting with '/', got \(ConfigText.quoted(path))")
            return nil
        }
        return path
    }

    /// A probe that may outlive its interval would overlap the next one.
    static func check(_ object: ConfigObject, intervalMs: Int, timeoutMs: Int) {
        if timeoutMs > intervalMs {
            object.report("timeout_ms", "timeout_ms (\(timeoutMs)) must not exceed interval_ms (\(intervalMs))")
        }
    }
}
