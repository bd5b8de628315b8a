import Testing
@testable import RingwayBenchCore

/// Feeds `pieces` to one parser as successive reads; returns every event but `.needMore`.
private func events(_ pieces: [[UInt8]], parser: inout ResponseParser) -> [ResponseParser.Event] {
    var collected: [ResponseParser.Event] = []
    for piece in pieces {
        piece.withUnsafeBytes { bytes in
            var offset = 0
            while true {
                let event = parser.next(bytes, &offset)
                if event == .needMore { break }
                collected.append(event)
                if case .malformed = event { break }
            }
            if collected.last.map({ if case .malformed = $0 { true } else { false } }) != true {
                #expect(offset == bytes.count, "a read was not fully consumed")
            }
        }
    }
    return collected
}

private func events(_ text: String, splitAt cuts: [Int] = []) -> [ResponseParser.Event] {
    var parser = ResponseParser()
    return events(pieces(Array(text.utf8), cuts), parser: &parser)
}

private func pieces(_ bytes: [UInt8], _ cuts: [Int]) -> [[UInt8]] {
    var result: [[UInt8]] = []
    var start = 0
    for cut in cuts.sorted() where cut > start && cut < bytes.count {
        result.append(Array(bytes[start..<cut]))
        start = cut
    }
    result.append(Array(bytes[start...]))
    return result
}

/// The events of `text` are the same whether it arrives whole, cut in two at any
/// point, or one byte per read.
private func expectSplitInvariant(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let whole = events(text)
    let count = text.utf8.count
    for cut in 1..<count {
        #expect(events(text, splitAt: [cut]) == whole, "split at \(cut)", sourceLocation: sourceLocation)
    }
    #expect(events(text, splitAt: Array(1..<count)) == whole, "byte by byte", sourceLocation: sourceLocation)
}

@Suite struct ResponseParserTests {
    let ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

    @Test func contentLengthResponse() {
        #expect(events(ok) == [.bodyStarted, .complete(status: 200, keepAlive: true)])
    }

    @Test func contentLengthResponseSplitAnywhere() {
        expectSplitInvariant(ok)
        expectSplitInvariant("HTTP/1.1 404 Not Found\r\nServer: x\r\ncontent-length:  5 \r\nX-Other: y\r\n\r\nnope!")
    }

    @Test func pipelinedResponsesInOneRead() {
        let three = ok + "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n" + "HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabc"
        let expected: [ResponseParser.Event] = [
            .bodyStarted, .complete(status: 200, keepAlive: true),
            .complete(status: 503, keepAlive: true),
            .bodyStarted, .complete(status: 201, keepAlive: true),
        ]
        #expect(events(three) == expected)
        expectSplitInvariant(three)
    }

    @Test func chunkedBodyWithExtensionsAndTrailers() {
        let chunked =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\nA \r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n" + ok
        #expect(
            events(chunked) == [
                .bodyStarted, .complete(status: 200, keepAlive: true),
                .bodyStarted, .complete(status: 200, keepAlive: true),
            ])
        expectSplitInvariant(chunked)
    }

    @Test func chunkedWinsOverContentLength() {
        let both = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
        #expect(events(both) == [.bodyStarted, .complete(status: 200, keepAlive: true)])
    }

    @Test func sseTimestampsAreReportedAcrossSplits() {
        let first = #"data: {"id":"c","mock_sent_ns":1700000000123456789,"x":1}"# + "\n\n"
        let second = #"data: {"mock_sent_ns": 42}"# + "\n\n"
        let done = "data: [DONE]\n\n"
        let body = [first, second, done].map { String($0.utf8.count, radix: 16) + "\r\n" + $0 + "\r\n" }.joined()
        let stream =
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
            + body + "0\r\n\r\n"
        let expected: [ResponseParser.Event] = [
            .bodyStarted, .sentTimestamp(1_700_000_000_123_456_789), .sentTimestamp(42),
            .complete(status: 200, keepAlive: true),
        ]
        #expect(events(stream) == expected)
        expectSplitInvariant(stream)
    }

    @Test func timestampsAreIgnoredOutsideEventStreams() {
        let json = #"{"mock_sent_ns":5}"#
        let response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n" + json
        #expect(events(response) == [.bodyStarted, .complete(status: 200, keepAlive: true)])
    }

    @Test func eventStreamFlagDescribesTheCurrentResponse() {
        var parser = ResponseParser()
        let head = "HTTP/1.1 200 OK\r\ncontent-type: Text/Event-Stream\r\nContent-Length: 6\r\n\r\n"
        #expect(events([Array(head.utf8)], parser: &parser) == [])
        #expect(parser.isEventStream)
        #expect(parser.status == 200)
        #expect(events([Array("data:\n".utf8)], parser: &parser) == [.bodyStarted, .complete(status: 200, keepAlive: true)])
        #expect(!parser.isEventStream)
    }

    @Test func timestampScannerRecoversFromNearMatches() {
        // `"mock_sent_ns"` not followed by a colon, whose closing quote starts the real key.
        let body = #"{"mock_sent_ns""mock_sent_ns":7,"mock_sent_ns":x,"mock_sent_ns":8}"#
        let response = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        #expect(events(response) == [.bodyStarted, .sentTimestamp(7), .sentTimestamp(8), .complete(status: 200, keepAlive: true)])
    }

    @Test func connectionCloseAndHTTP10KeepAlive() {
        #expect(events("HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n") == [.complete(status: 200, keepAlive: false)])
        #expect(events("HTTP/1.1 200 OK\r\nConnection: upgrade, close\r\nContent-Length: 0\r\n\r\n") == [.complete(status: 200, keepAlive: false)])
        #expect(events("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n") == [.complete(status: 200, keepAlive: false)])
        #expect(events("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n") == [.complete(status: 200, keepAlive: true)])
    }

    @Test func bodylessStatusesAndInterimResponses() {
        #expect(events("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n") == [.complete(status: 204, keepAlive: true)])
        #expect(events("HTTP/1.1 304 Not Modified\r\n\r\n") == [.complete(status: 304, keepAlive: true)])
        let continued = "HTTP/1.1 100 Continue\r\n\r\n" + ok
        #expect(events(continued) == [.bodyStarted, .complete(status: 200, keepAlive: true)])
        expectSplitInvariant(continued)
    }

    @Test func bareLineFeedsAreAccepted() {
        #expect(events("HTTP/1.1 200 OK\nContent-Length: 2\n\nok") == [.bodyStarted, .complete(status: 200, keepAlive: true)])
    }

    @Test func bodyUntilCloseCompletesAtEndOfStream() {
        var parser = ResponseParser()
        let text = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nstreamed until close"
        #expect(events([Array(text.utf8)], parser: &parser) == [.bodyStarted])
        #expect(parser.endOfStream() == .complete(status: 200))
    }

    @Test func endOfStreamClassifiesWhatWasInProgress() {
        var parser = ResponseParser()
        #expect(parser.endOfStream() == .idle)
        _ = events([Array("HTTP/1.1 20".utf8)], parser: &parser)
        #expect(parser.endOfStream() == .truncated)
        parser.reset()
        _ = events([Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab".utf8)], parser: &parser)
        #expect(parser.endOfStream() == .truncated)
        parser.reset()
        _ = events([Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n".utf8)], parser: &parser)
        #expect(parser.endOfStream() == .truncated)
        parser.reset()
        _ = events([Array(ok.utf8)], parser: &parser)
        #expect(parser.endOfStream() == .idle)
    }

    @Test(arguments: [
        ("HTTP/2 200 OK\r\n\r\n", .badStatusLine),
        ("HTTP/1.1 2x0 OK\r\n\r\n", .badStatusLine),
        ("HTTP/1.1 20\n", .badStatusLine),
        ("HTTP/1.1 2000 OK\r\n\r\n", .badStatusLine),
        ("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", .badHeaderName),
        ("HTTP/1.1 200 OK\r\n: x\r\n\r\n", .badHeaderName),
        ("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", .badContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", .badContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", .badContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", .conflictingContentLength),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .badChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", .badChunkSize),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhiX", .badChunkTerminator),
    ] as [(String, ResponseParseError)])
    func malformedResponsesAreRejected(text: String, error: ResponseParseError) {
        #expect(events(text).last == .malformed(error))
    }

    @Test func oversizedHeadIsRejected() {
        let huge = "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: ResponseParser.headLimit) + "\r\n\r\n"
        #expect(events(huge).last == .malformed(.headTooLarge))
    }

    @Test func aDuplicateButEqualContentLengthIsAccepted() {
        #expect(events("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok") == [.bodyStarted, .complete(status: 200, keepAlive: true)])
    }
}
