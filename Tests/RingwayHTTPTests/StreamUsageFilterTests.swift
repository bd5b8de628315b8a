import Testing
@testable import RingwayHTTP

/// What a client that did not ask for usage must not see, found in streams
/// split anywhere.
@Suite struct StreamUsageFilterTests {
    /// The stream with every reported drop removed, and the event ends seen,
    /// fed in two slices cut at `cut`.
    static func filtered(_ stream: String, cut: Int) -> (text: String, ends: [Int64]) {
        let bytes = Array(stream.utf8)
        var filter = StreamUsageFilter()
        var drops: [Range<Int64>] = []
        var ends: [Int64] = []
        bytes.withUnsafeBytes { all in
            for part in [all[0..<cut], all[cut...]] {
                filter.feed(UnsafeRawBufferPointer(rebasing: part)) { end, drop in
                    ends.append(end)
                    if let drop { drops.append(drop) }
                }
            }
        }
        var out: [UInt8] = []
        for (i, b) in bytes.enumerated() where !drops.contains(where: { $0.contains(Int64(i)) }) { out.append(b) }
        return (String(decoding: out, as: UTF8.self), ends)
    }

    static func expectAtEverySplit(_ stream: String, becomes expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for cut in 0...stream.utf8.count {
            let (text, _) = filtered(stream, cut: cut)
            #expect(text == expected, "cut at \(cut)", sourceLocation: sourceLocation)
        }
    }

    @Test func dropsTheUsageChunkAndEachUsageNull() {
        let stream = """
            data: {"id":"c","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":null}

            data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null,"x":1}

            data: {"id":"c","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}

            data: [DONE]


            """
        let expected = """
            data: {"id":"c","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

            data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x":1}

            data: [DONE]


            """
        Self.expectAtEverySplit(stream, becomes: expected)
    }

    @Test func vllmStyleUsageChunksWithNullOrMissingChoicesGoToo() {
        Self.expectAtEverySplit(
            "data: {\"choices\":null,\"usage\":{\"prompt_tokens\":1}}\n\ndata: {\"usage\":{\"a\":1}}\n\ndata: [DONE]\n\n",
            becomes: "data: [DONE]\n\n")
    }

    @Test func aChunkWithChoicesAndUsageIsKept() {
        // vLLM's continuous usage stats: real content that carries usage.
        let stream = "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}],\"usage\":{\"prompt_tokens\":1}}\n\n"
        Self.expectAtEverySplit(stream, becomes: stream)
    }

    @Test func usageNullOpeningTheObjectTakesItsComma() {
        Self.expectAtEverySplit("data: {\"usage\":null,\"id\":\"c\"}\n\n", becomes: "data: {\"id\":\"c\"}\n\n")
        Self.expectAtEverySplit("data: {\"usage\" : null}\n\n", becomes: "data: {}\n\n")
    }

    @Test func onlyTopLevelMembersCount() {
        let stream = """
            data: {"choices":[{"delta":{"content":"\\"usage\\":null","usage":null}}],"meta":{"usage":{"a":1},"choices":[]}}

            data: {"choices":[{"delta":{"content":"{\\"usage\\":{}}"}}]}


            """
        Self.expectAtEverySplit(stream, becomes: stream)
    }

    @Test func crlfLinesAndCommentsAndOtherFields() {
        let stream = ": ping\r\n\r\nevent: x\r\ndata: {\"choices\":[],\"usage\":{\"total_tokens\":3}}\r\n\r\ndata: [DONE]\r\n\r\n"
        Self.expectAtEverySplit(stream, becomes: ": ping\r\n\r\ndata: [DONE]\r\n\r\n")
    }

    @Test func reportsEachEventEndOnce() {
        let stream = "data: 1\n\ndata: 2\r\n\r\ndata: 3\n"
        for cut in 0...stream.utf8.count {
            #expect(Self.filtered(stream, cut: cut).ends == [9, 20], "cut at \(cut)")
        }
    }
}
