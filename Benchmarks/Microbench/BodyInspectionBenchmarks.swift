import RingwayHTTP

/// Inspects one request body again and again with a reused inspector, fed in
/// receive-sized slices, as a client connection does for each request.
final class BodyInspectionBenchmark {
    /// The worker's default provided-buffer size (`--buffer-size`).
    static let sliceBytes = 16384
    /// What the affinity hash would typically cover: a system prompt and the
    /// start of the conversation.
    static let prefixBytes = 2048

    let body: UnsafeRawBufferPointer
    let inspector = RequestBodyInspector()

    init(_ bytes: [UInt8]) {
        body = pinnedCopy(bytes)
        precondition(run(1) != 0, "body fixture not accepted: \(inspector.finish())")
    }

    func run(_ iterations: Int) -> Int {
        var checksum = 0
        for _ in 0..<iterations {
            let input = opaque(body)
            inspector.reset(prefixBytes: Self.prefixBytes)
            var offset = 0
            var step = BodyInspectionStep.needMore
            while offset < input.count && step == .needMore {
                let end = min(offset &+ Self.sliceBytes, input.count)
                step = inspector.feed(UnsafeRawBufferPointer(rebasing: input[offset..<end]))
                offset = end
            }
            guard step == .needMore, inspector.finish() == .complete else { return 0 }
            let summary = inspector.summary
            checksum &+= summary.contentBytes &+ Int(truncatingIfNeeded: summary.prefixHash) &+ summary.lastUserMessage.count
        }
        return checksum
    }
}

extension Fixtures {
    /// A chat completion as an agent framework sends it: a long system
    /// prompt, a short exchange, the user's question; `size` bytes in all
    /// (padded in the system prompt).
    static func chatBody(size: Int) -> [UInt8] {
        let head = #"{"model":"meta-llama/Llama-3.1-8B-Instruct","messages":[{"role":"system","content":""#
        let tail = #""},{"role":"user","content":"What does the \"stream_options\" field do?"},"#
            + #"{"role":"assistant","content":"It asks the server to add a final usage chunk to the stream.\nWant an example?"},"#
            + #"{"role":"user","content":"Yes, show one request in JSON, with include_usage set — and explain the fields."}],"#
            + #""stream":true,"stream_options":{"include_usage":true},"max_tokens":512,"temperature":0.7,"top_p":0.95,"#
            + #""user":"tenant-42/alice"}"#
        let sentences = [
            "You are a careful assistant for the engineering team. ",
            "Answer in plain English, cite the RFC clause when a protocol detail matters, ",
            "and say \\\"I do not know\\\" rather than guess. ",
            "Keep code samples short; prefer curl and Python.\\n",
        ]
        var system = ""
        var k = 0
        let room = size - head.utf8.count - tail.utf8.count
        while system.utf8.count + sentences[k % sentences.count].utf8.count <= room {
            system += sentences[k % sentences.count]
            k += 1
        }
        system += String(repeating: " ", count: room - system.utf8.count)
        let body = Array((head + system + tail).utf8)
        precondition(body.count == size, "chat fixture is \(body.count) bytes, wanted \(size)")
        return body
    }
}
