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
