import Testing
@testable import RingwayHTTP

@Suite struct UsageScannerTests {
    static func scan(_ text: String, split: Int? = nil) -> UsageScanner {
        var s = UsageScanner()
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { all in
            let cut = min(split ?? all.count, all.count)
            s.feed(UnsafeRawBufferPointer(rebasing: all[0..<cut]))
            s.feed(UnsafeRawBufferPointer(rebasing: all[cut...]))
        }
        return s
    }

    static let json = #"{"id":"x","usage":{"prompt_tokens": 12,"completion_tokens":345,"total_tokens":357,"prompt_tokens_details":{"cached_tokens":8}}}"#

    @Test func readsAJSONAnswerAtEverySplit() {
        for split in 0...Self.json.utf8.count {
            let s = Self.scan(Self.json, split: split)
            #expect(s.promptTokens == 12 && s.completionTokens == 345, "split \(split)")
        }
    }

    @Test func theFinalStreamChunkWins() {
        let stream = "data: {\"choices\":[],\"usage\":null}\n\n"
            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":8}}\n\ndata: [DONE]\n\n"
        let s = Self.scan(stream, split: 40)
        #expect(s.isComplete && s.promptTokens == 5 && s.completionTokens == 8)
    }

    @Test func readsSlicesOfEverySmallSize() {
        let stream = "data: {\"id\":\"a_b\",\"system_fingerprint\":\"fp_x\",\"choices\":[],\"usage\":{\"prompt_tokens\":17,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":3},\"completion_tokens\":4096,\"total_tokens\":4113}}\n\n"
        let bytes = Array(stream.utf8)
        for size in 1...24 {
            var s = UsageScanner()
            var at = 0
            while at < bytes.count {
                let end = min(at + size, bytes.count)
                let piece = Array(bytes[at..<end])
                piece.withUnsafeBytes { s.feed($0) }
                at = end
            }
            #expect(s.promptTokens == 17 && s.completionTokens == 4096, "slices of \(size)")
        }
    }

    @Test func absentUsageLeavesBothUnknown() {
        let s = Self.scan(#"{"choices":[{"text":"prompt_tokens: 3"}]}"#)
        #expect(s.promptTokens == -1 && s.completionTokens == -1)
    }
}
