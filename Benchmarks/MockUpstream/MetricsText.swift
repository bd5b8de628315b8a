/// `/metrics` in the Prometheus text format with vLLM's names, so a router
/// that scrapes vLLM for load can scrape the mock the same way. Rendered on
/// demand (a scrape is rare; it may allocate).
enum MetricsText {
    static func render(_ shared: MockShared) -> String {
        let model = "model_name=\"\(escapeLabel(shared.settings.model))\""
        let gate = shared.gate
        var requests = 0, completions = 0, prompt = 0, generated = 0, rejected = 0
        for s in shared.stats {
            requests += s.requests.load(ordering: .relaxed)
            completions += s.completions.load(ordering: .relaxed)
            prompt += s.promptTokens.load(ordering: .relaxed)
            generated += s.generationTokens.load(ordering: .relaxed)
            rejected += s.rejected.load(ordering: .relaxed)
        }
        var out = ""
        func metric(_ name: String, _ type: String, _ help: String, _ labels: String, _ value: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name)"
            out += labels.isEmpty ? " \(value)\n" : "{\(labels)} \(value)\n"
        }
        metric("vllm:num_requests_running", "gauge", "Number of requests in model execution batches.", model,
               "\(gate.running.load(ordering: .relaxed))")
        metric("vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.", model,
               "\(gate.waiting.load(ordering: .relaxed))")
        metric("vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.", model,
               "\(gate.kvCacheUsage)")
        metric("vllm:request_success_total", "counter", "Count of successfully processed requests.",
               model + ",finished_reason=\"stop\"", "\(completions)")
        metric("vllm:prompt_tokens_total", "counter", "Number of prefill tokens processed.", model, "\(prompt)")
        metric("vllm:generation_tokens_total", "counter", "Number of generation tokens processed.", model,
               "\(generated)")
        metric("mock_requests_total", "counter", "Requests the mock has read, any endpoint.", "", "\(requests)")
        metric("mock_rejected_total", "counter", "Requests refused because slots and queue were full.", "",
               "\(rejected)")
        metric("mock_slots", "gauge", "Simulated concurrent generations (0 = unlimited).", "", "\(gate.slots)")
        return out
    }

    static func escapeLabel(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }
}
