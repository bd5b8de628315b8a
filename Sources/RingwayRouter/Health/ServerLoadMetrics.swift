/// Reads the load figures `load_aware` steers by from a Prometheus text
/// exposition (format 0.0.4), without building strings: the prober hands
/// over the response body and gets three numbers back.
///
/// | figure | vLLM | SGLang |
/// | --- | --- | --- |
/// | waiting | `vllm:num_requests_waiting` | `sglang:num_queue_reqs` |
/// | running | `vllm:num_requests_running` | `sglang:num_running_reqs` |
/// | KV cache | `vllm:kv_cache_usage_perc` (older: `vllm:gpu_cache_usage_perc`) | `sglang:token_usage` |
///
/// A server exposes one sample per label set (per model, per engine, per
/// data-parallel rank): waiting and running are summed over them, being
/// counts of the same server's requests. KV-cache usage takes the largest
/// instead: the figures are fractions of different caches, a sum of them
/// could exceed 1 and mean nothing, and the fullest cache is the one that
/// starts queueing first. (vLLM's "perc" metrics are fractions 0...1
/// despite the name.)
public enum ServerLoadMetrics {
    /// nil when the text has none of the flavour's figures (wrong flavour,
    /// not a metrics page, or the server has not started its engine yet).
    public static func parse(_ text: UnsafeRawBufferPointer, flavor: MetricsFlavor) -> ServerLoad? {
        let names = MetricNames(flavor)
        var waiting = 0.0
        var running = 0.0
        var usage = 0.0
        var found = false
        var lines = PrometheusLines(text)
        while let sample = lines.next() {
            let figure = names.figure(of: sample.name)
            guard figure != .none, sample.value.isFinite else { continue }
            found = true
            switch figure {
            case .waiting: waiting += sample.value
            case .running: running += sample.value
            case .kvCache: usage = max(usage, sample.value)
            case .none: break
            }
        }
        guard found else { return nil }
        return ServerLoad(waiting: Int(clamping: waiting), running: Int(clamping: running),
                          kvCacheUsage: min(max(usage, 0), 1))
    }
}

private extension Int {
    init(clamping value: Double) {
        self = value >= 1e15 ? 1_000_000_000_000_000 : value <= 0 ? 0 : Int(value.rounded())
    }
}

/// Which figure a metric name is, per flavour.
private struct MetricNames {
    enum Figure { case none, waiting, running, kvCache }

    let waiting: StaticString
    let running: StaticString
    let kvCache: StaticString
    /// The name an older release used for the same figure.
    let kvCacheOld: StaticString

    init(_ flavor: MetricsFlavor) {
        switch flavor {
        case .vllm:
            waiting = "vllm:num_requests_waiting"
            running = "vllm:num_requests_running"
            kvCache = "vllm:kv_cache_usage_perc"
            kvCacheOld = "vllm:gpu_cache_usage_perc"
        case .sglang:
            waiting = "sglang:num_queue_reqs"
            running = "sglang:num_running_reqs"
            kvCache = "sglang:token_usage"
            kvCacheOld = "sglang:token_usage"
        }
    }

    func figure(of name: UnsafeRawBufferPointer) -> Figure {
        if bytesEqual(name, waiting) { return .waiting }
        if bytesEqual(name, running) { return .running }
        if bytesEqual(name, kvCache) || bytesEqual(name, kvCacheOld) { return .kvCache }
        return .none
    }
}
