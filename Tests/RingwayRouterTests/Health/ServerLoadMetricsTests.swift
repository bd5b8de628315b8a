import Testing
@testable import RingwayRouter

@Suite struct ServerLoadMetricsTests {
    static func parse(_ text: String, _ flavor: MetricsFlavor) -> ServerLoad? {
        var text = text
        return text.withUTF8 { ServerLoadMetrics.parse(UnsafeRawBufferPointer($0), flavor: flavor) }
    }

    /// Shaped like vLLM's V1 engine with two data-parallel engines.
    static let vllm = """
        # HELP vllm:num_requests_running Number of requests in model execution batches.
        # TYPE vllm:num_requests_running gauge
        vllm:num_requests_running{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 12.0
        vllm:num_requests_running{engine="1",model_name="meta-llama/Llama-3.1-8B-Instruct"} 9.0
        # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
        # TYPE vllm:num_requests_waiting gauge
        vllm:num_requests_waiting{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 3.0
        vllm:num_requests_waiting{engine="1",model_name="meta-llama/Llama-3.1-8B-Instruct"} 1.0
        # HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
        # TYPE vllm:kv_cache_usage_perc gauge
        vllm:kv_cache_usage_perc{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.4521
        vllm:kv_cache_usage_perc{engine="1",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.6
        # HELP vllm:prompt_tokens_total Number of prefill tokens processed.
        # TYPE vllm:prompt_tokens_total counter
        vllm:prompt_tokens_total{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 1.234567e+06
        # TYPE vllm:time_to_first_token_seconds histogram
        vllm:time_to_first_token_seconds_bucket{engine="0",le="0.001",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.0
        vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="meta-llama/Llama-3.1-8B-Instruct"} 4711.0
        vllm:num_requests_waiting_by_reason{engine="0",reason="capacity"} 99.0
        python_gc_objects_collected_total{generation="0"} 12345.0

        """

    @Test func vllmSumsEnginesAndTakesTheFullestCache() {
        let load = Self.parse(Self.vllm, .vllm)
        #expect(load == ServerLoad(waiting: 4, running: 21, kvCacheUsage: 0.6))
    }

    @Test func olderVLLMCacheName() {
        let text = """
            vllm:num_requests_running{model_name="m"} 2
            vllm:num_requests_waiting{model_name="m"} 0
            vllm:gpu_cache_usage_perc{model_name="m"} 0.25
            """
        #expect(Self.parse(text, .vllm) == ServerLoad(waiting: 0, running: 2, kvCacheUsage: 0.25))
    }

    /// Shaped like SGLang's `--enable-metrics` output.
    static let sglang = """
        # HELP sglang:num_running_reqs The number of running requests.
        # TYPE sglang:num_running_reqs gauge
        sglang:num_running_reqs{model_name="Qwen/Qwen2.5-7B-Instruct"} 8.0
        # HELP sglang:num_queue_reqs The number of requests in the waiting queue.
        # TYPE sglang:num_queue_reqs gauge
        sglang:num_queue_reqs{model_name="Qwen/Qwen2.5-7B-Instruct"} 17.0
        # HELP sglang:token_usage The token usage.
        # TYPE sglang:token_usage gauge
        sglang:token_usage{model_name="Qwen/Qwen2.5-7B-Instruct"} 0.28
        sglang:gen_throughput{model_name="Qwen/Qwen2.5-7B-Instruct"} 355.1
        sglang:cache_hit_rate{model_name="Qwen/Qwen2.5-7B-Instruct"} 0.71
        """

    @Test func sglangFigures() {
        #expect(Self.parse(Self.sglang, .sglang) == ServerLoad(waiting: 17, running: 8, kvCacheUsage: 0.28))
    }

    @Test func wrongFlavourFindsNothing() {
        #expect(Self.parse(Self.sglang, .vllm) == nil)
        #expect(Self.parse(Self.vllm, .sglang) == nil)
        #expect(Self.parse("", .vllm) == nil)
        #expect(Self.parse("<html>not metrics</html>", .vllm) == nil)
    }

    @Test func awkwardLabelsAndNumbers() {
        let text = """
            vllm:num_requests_running{model_name="a \\"quoted\\" } name",lora="x\\\\"} 1.5e1
            vllm:num_requests_running{model_name="b"} NaN
            vllm:num_requests_running 2E+0 1700000000000
            vllm:num_requests_waiting{model_name="{braces}"}\t+3
            vllm:num_requests_waiting{model_name="c"} -Inf
            vllm:num_requests_waiting{model_name="unterminated} 100
            vllm:kv_cache_usage_perc{} 7.5e-1\r
            vllm:num_requests_waiting garbage
            """
        // 15 + 2 (NaN skipped); 3 (-Inf and broken lines skipped).
        #expect(Self.parse(text, .vllm) == ServerLoad(waiting: 3, running: 17, kvCacheUsage: 0.75))
    }

    @Test func usageIsClampedToOne() {
        #expect(Self.parse("sglang:token_usage 1.7", .sglang)?.kvCacheUsage == 1)
    }
}
