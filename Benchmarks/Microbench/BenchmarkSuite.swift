/// Every microbenchmark, in the order the table shows them.
enum BenchmarkSuite {
    static func make() -> [Benchmark] {
        let requestParse = RequestHeadParseBenchmark(Fixtures.chatCompletionHead)
        let responseParse = ResponseHeadParseBenchmark(Fixtures.sseResponseHead)
        let requestWrite = RequestHeadWriteBenchmark(Fixtures.chatCompletionHead)
        let responseWrite = ResponseHeadWriteBenchmark(Fixtures.sseResponseHead)
        let sse = ChunkedStreamBenchmark(events: 4096)
        let timers = TimerWheelBenchmark()
        let worstCase = RequestHeadParseBenchmark(Fixtures.worstCaseHead)
        return [
            Benchmark(name: "request-head-parse", unit: "\(requestParse.input.count) B head, \(requestParse.head.headers.count) fields",
                      bytesPerOperation: requestParse.input.count, run: requestParse.run),
            Benchmark(name: "response-head-parse", unit: "\(responseParse.input.count) B SSE head",
                      bytesPerOperation: responseParse.input.count, run: responseParse.run),
            Benchmark(name: "request-head-write", unit: "\(requestWrite.writtenBytes) B upstream head",
                      bytesPerOperation: requestWrite.writtenBytes, run: requestWrite.run),
            Benchmark(name: "response-head-write", unit: "\(responseWrite.writtenBytes) B client head",
                      bytesPerOperation: responseWrite.writtenBytes, run: responseWrite.run),
            Benchmark(name: "chunked-sse-stream", unit: "\(sse.stream.count) B, \(sse.events + 1) chunks, 16 KiB slices",
                      bytesPerOperation: sse.stream.count, run: sse.run),
            Benchmark(name: "timer-schedule-cancel", unit: "schedule + cancel, 16k timers on wheel",
                      bytesPerOperation: 0, run: timers.scheduleCancel),
            Benchmark(name: "timer-reschedule", unit: "move a scheduled timer",
                      bytesPerOperation: 0, run: timers.reschedule),
            Benchmark(name: "request-head-parse-64k", unit: "\(worstCase.input.count) B head, \(worstCase.head.headers.count) fields",
                      bytesPerOperation: worstCase.input.count, run: worstCase.run),
            Benchmark(name: "routing-decision-64-p2c", unit: "pick + start + finish, 64 endpoints, p2c_ewma",
                      bytesPerOperation: 0, run: RoutingDecisionBenchmark(strategy: .p2cEWMA).run),
            Benchmark(name: "routing-decision-64-affinity", unit: "pick + start + finish, 64 endpoints, prefix_affinity",
                      bytesPerOperation: 0,
                      run: RoutingDecisionBenchmark(strategy: .prefixAffinity(prefixBytes: 1024, loadFactor: 1.25)).run),
            Benchmark(name: "rules-first-match", unit: "8 rules, regex over a 1 KiB message, 7th matches",
                      bytesPerOperation: 0, run: RulesFirstMatchBenchmark().run),
            Benchmark(name: "body-inspect-chat-2k", unit: "2 KiB chat body, system + user",
                      bytesPerOperation: 2048, run: BodyInspectionBenchmark(Fixtures.chatBody(size: 2048)).run),
            Benchmark(name: "body-inspect-chat-64k", unit: "64 KiB chat body, 16 KiB slices",
                      bytesPerOperation: 65536, run: BodyInspectionBenchmark(Fixtures.chatBody(size: 65536)).run),
            Benchmark(name: "metrics-request-finished", unit: "requestFinished: 2 counters, 3 histograms, 2 byte counters",
                      bytesPerOperation: 0, run: MetricsRecordBenchmark().requestFinished),
            Benchmark(name: "metrics-histogram-observe", unit: "one inter-token latency observation",
                      bytesPerOperation: 0, run: MetricsRecordBenchmark().interToken),
            MetricsRenderBenchmark().benchmark,
        ]
    }
}
