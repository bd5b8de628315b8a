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

/// Random streams against a reference that parses each event whole with
/// Foundation: what the filter cuts, in slices split at random places, must
/// leave exactly the reference's output.
@Suite struct StreamUsageFilterRandomTests {
    struct Generator {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    /// One event's JSON members in a random order and shape; the expected
    /// text is built alongside, never derived from the filter.
    static func event(_ g: inout Generator) -> (sent: String, expected: String) {
        switch g.next(6) {
        case 0: return ("data: [DONE]\n\n", "data: [DONE]\n\n")
        case 1: return (": ping\n\n", ": ping\n\n")
        default: break
        }
        var members: [(text: String, kept: Bool)] = []
        let choices = [#""choices":[]"#, #""choices":null"#, "",
                       #""choices":[{"delta":{"content":"say \"usage\":null","usage":null}}]"#,
                       #""choices":[{"index":0,"delta":{"content":"hi"}}]"#][g.next(5)]
        let nonEmpty = choices.contains("delta")
        if !choices.isEmpty { members.append((choices, true)) }
        members.append((#""id":"c""#, true))
        if g.next(3) == 0 { members.append((#""meta":{"usage":{"a":1},"choices":[]}"#, true)) }
        let usage = g.next(3)
        var wholeDropped = false
        if usage == 1 {
            members.append((#""usage":null"#, false))
        } else if usage == 2 {
            members.append((#""usage":{"prompt_tokens":3,"completion_tokens":4}"#, true))
            wholeDropped = !nonEmpty
        }
        // Shuffle.
        for i in stride(from: members.count - 1, to: 0, by: -1) { members.swapAt(i, g.next(i + 1)) }
        let space = g.next(2) == 0 ? "" : " "
        let lineEnd = g.next(4) == 0 ? "\r\n" : "\n"
        func render(_ list: [(text: String, kept: Bool)]) -> String {
            "data: {" + list.map(\.text).joined(separator: "," + space) + "}" + lineEnd + lineEnd
        }
        let sent = render(members)
        if wholeDropped { return (sent, "") }
        // The null member goes with the comma before it, or, when first, with
        // the comma after it (the space behind that comma stays).
        guard let index = members.firstIndex(where: { !$0.kept }) else { return (sent, sent) }
        var rest = members
        rest.remove(at: index)
        if index > 0 || rest.isEmpty { return (sent, render(rest)) }
        return (sent, "data: {" + space + rest.map(\.text).joined(separator: "," + space) + "}" + lineEnd + lineEnd)
    }

    @Test func randomStreamsAtRandomSplits() {
        var g = Generator(state: 0x5EED)
        for _ in 0..<300 {
            var sent = "", expected = ""
            for _ in 0..<(1 + g.next(6)) {
                let e = Self.event(&g)
                sent += e.sent
                expected += e.expected
            }
            let bytes = Array(sent.utf8)
            var cuts = Set<Int>()
            for _ in 0..<g.next(6) { cuts.insert(g.next(bytes.count + 1)) }
            let bounds = [0] + cuts.sorted() + [bytes.count]
            var filter = StreamUsageFilter()
            var drops: [Range<Int64>] = []
            bytes.withUnsafeBytes { all in
                for k in 0..<(bounds.count - 1) {
                    filter.feed(UnsafeRawBufferPointer(rebasing: all[bounds[k]..<bounds[k + 1]])) { _, drop in
                        if let drop { drops.append(drop) }
                    }
                }
            }
            var out: [UInt8] = []
            for (i, b) in bytes.enumerated() where !drops.contains(where: { $0.contains(Int64(i)) }) { out.append(b) }
            #expect(String(decoding: out, as: UTF8.self) == expected, "stream:\n\(sent)\ncuts \(bounds)")
        }
    }
}
