import Testing

/// One SSE block (lines up to a blank line) and when the chunk completing it arrived.
struct SSEEvent: Sendable {
    let lines: [String]
    let arrivalNanos: UInt64

    var data: String? {
        let payload = lines.filter { $0.hasPrefix("data:") }.map { $0.dropFirst(5).drop(while: { $0 == " " }) }
        return payload.isEmpty ? nil : payload.joined(separator: "\n")
    }

    var isComment: Bool { !lines.isEmpty && lines.allSatisfy { $0.hasPrefix(":") } }
}

/// Splits a chunked SSE body into events as chunks arrive; never assumes chunk = event.
struct SSEEventSplitter {
    private var pending = ""

    mutating func feed(_ chunk: ReceivedChunk) -> [SSEEvent] {
        pending += String(decoding: chunk.bytes, as: UTF8.self)
        var events: [SSEEvent] = []
        while let end = pending.range(of: "\n\n") {
            let block = pending[..<end.lowerBound]
            pending.removeSubrange(..<end.upperBound)
            events.append(SSEEvent(lines: block.split(separator: "\n").map(String.init),
                                   arrivalNanos: chunk.arrivalNanos))
        }
        return events
    }

    /// Bytes received after the last complete event.
    var remainder: String { pending }
}

/// Reads chunks from `client` into events until the body ends (nil error) or the
/// connection fails (the error). `stopWhen` ends reading early.
func readSSE(_ client: RawHTTPClient, stopWhen: ([SSEEvent]) -> Bool = { _ in false })
    -> (events: [SSEEvent], error: Error?, rawText: String) {
    var splitter = SSEEventSplitter()
    var events: [SSEEvent] = []
    var raw = ""
    do {
        while let chunk = try client.nextChunk() {
            raw += String(decoding: chunk.bytes, as: UTF8.self)
            events += splitter.feed(chunk)
            if stopWhen(events) { break }
        }
        return (events, nil, raw)
    } catch {
        return (events, error, raw)
    }
}

/// Reads a stream of five tokens sent 100 ms apart to its clean end and
/// checks the events left the proxy as they came: each at least 50 ms after
/// the one before, none held back and batched.
func expectFiveTokensPaced(_ client: RawHTTPClient, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let (events, error, raw) = readSSE(client)
    #expect(error == nil, "stream did not end cleanly: \(String(describing: error))", sourceLocation: sourceLocation)
    let data = events.filter { $0.data != nil }
    try #require(data.count >= 7, "expected 5 tokens + finish + [DONE], got: \(raw)", sourceLocation: sourceLocation)
    #expect(data.last?.data == "[DONE]", sourceLocation: sourceLocation)
    for i in 1..<6 {
        let gapMs = Double(data[i].arrivalNanos - data[i - 1].arrivalNanos) / 1e6
        #expect(gapMs >= 50, "event \(i) arrived \(gapMs) ms after the previous one (batched?)",
                sourceLocation: sourceLocation)
    }
}
