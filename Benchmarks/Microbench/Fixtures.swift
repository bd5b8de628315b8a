import RingwayHTTP

/// The bytes the benchmarks run on, built once at start-up.
enum Fixtures {
    /// What the OpenAI Python SDK sends for a streaming chat completion: a
    /// 400-byte head with 12 fields.
    static let chatCompletionHead: [UInt8] = Array((
        "POST /v1/chat/completions HTTP/1.1\r\n"
        + "Host: 10.0.0.12:8000\r\n"
        + "Accept-Encoding: gzip\r\n"
        + "Connection: keep-alive\r\n"
        + "Accept: application/json\r\n"
        + "Content-Type: application/json\r\n"
        + "User-Agent: OpenAI/Python 1.54.4\r\n"
        + "X-Stainless-Lang: python\r\n"
        + "X-Stainless-Runtime: CPython\r\n"
        + "Authorization: Bearer sk-0123456789abcdefghij\r\n"
        + "X-Stainless-Retry-Count: 0\r\n"
        + "X-Request-ID: 7f3c2a9e-5b1d-4e8f-9a6c-0d2b4f6e\r\n"
        + "Content-Length: 1873\r\n"
        + "\r\n"
    ).utf8)

    /// vLLM's answer to it: a chunked event stream.
    static let sseResponseHead: [UInt8] = Array((
        "HTTP/1.1 200 OK\r\n"
        + "date: Tue, 25 Nov 2025 09:00:00 GMT\r\n"
        + "server: uvicorn\r\n"
        + "content-type: text/event-stream; charset=utf-8\r\n"
        + "x-request-id: 7f3c2a9e-5b1d-4e8f-9a6c-0d2b4f6e8a1c\r\n"
        + "transfer-encoding: chunked\r\n"
        + "\r\n"
    ).utf8)

    /// A chunked SSE body of `events` token events (about 230 bytes each, one
    /// chunk per event as vLLM sends them), then `data: [DONE]` and the last chunk.
    static func sseStream(events: Int) -> [UInt8] {
        var stream: [UInt8] = []
        func appendChunk(_ payload: String) {
            let data = Array(payload.utf8)
            stream += Array(String(data.count, radix: 16).utf8) + [0x0D, 0x0A]
            stream += data
            stream += [0x0D, 0x0A]
        }
        for i in 0..<events {
            appendChunk(
                "data: {\"id\":\"chatcmpl-4f8e2b\",\"object\":\"chat.completion.chunk\",\"created\":1764061200,"
                    + "\"model\":\"llama-3.1-8b-instruct\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" tok\(i % 1000)\"},"
                    + "\"logprobs\":null,\"finish_reason\":null}]}\n\n")
        }
        appendChunk("data: [DONE]\n\n")
        stream += Array("0\r\n\r\n".utf8)
        return stream
    }

    /// The largest head the default limits accept: 100 fields (the count
    /// limit) filling 64 KiB less one byte (the size limit).
    static let worstCaseHead: [UInt8] = {
        let limits = HTTPLimits()
        let start = Array("POST /v1/chat/completions HTTP/1.1\r\nHost: api.internal.example.com\r\n".utf8)
        let fieldCount = limits.maxHeaderCount - 1
        let budget = limits.maxHeaderBytes - 1 - start.count - 2
        var head = start
        for i in 0..<fieldCount {
            let name = Array("X-Filler-\(i): ".utf8)
            let remainingFields = fieldCount - i
            let lineBytes = (budget - (head.count - start.count)) / remainingFields
            let valueCount = lineBytes - name.count - 2
            head += name
            head += (0..<valueCount).map { UInt8(ascii: "a") &+ UInt8($0 % 26) }
            head += [0x0D, 0x0A]
        }
        head += [0x0D, 0x0A]
        return head
    }()
}

