import Testing
@testable import RingwayHTTP

/// A receive may cut the body anywhere; the summary and the verdict must not
/// depend on where.
@Suite("BodyInspection splits")
struct BodyInspectionSplitTests {
    static let invalidBodies = [
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\\qy\"}]}",
        "{\"model\":\"a\",\"stream\":true,\"model\":\"b\"}",
        "{\"messages\":[{\"content\":\"\\ud83d\\u00zz\"}]}",
        "{\"max_tokens\":012}",
        "{\"model\":\"\(String(repeating: "x", count: 300))\u{01}\"}",
    ]

    @Test(arguments: SampleBodies.all + invalidBodies)
    func everySplitGivesTheSameOutcome(_ body: String) {
        let raw = bytes(body)
        let whole = inspect(raw, prefixBytes: 64)
        let bytewise = inspectBytewise(raw, prefixBytes: 64)
        #expect(bytewise == whole, "byte at a time")
        for cut in 0...raw.count {
            let split = inspect(raw, cuts: [cut], prefixBytes: 64)
            if split != whole {
                Issue.record("split at \(cut): \(split) vs whole \(whole)")
                return
            }
        }
    }

    @Test func everyThreeWaySplitOfASmallBody() {
        let raw = bytes(#"{"model":"m\u00e9","messages":[{"content":"h\u00e9 é","role":"user"}],"max_tokens":12}"#)
        let whole = inspect(raw, prefixBytes: 7)
        #expect(whole.step == .complete)
        for a in 1..<raw.count {
            for b in a..<raw.count where inspect(raw, cuts: [a, b], prefixBytes: 7) != whole {
                Issue.record("split at \(a), \(b)")
                return
            }
        }
    }

    @Test func largeBodyInSixteenKiBSlices() {
        var text = ""
        while text.utf8.count < 80_000 { text += "The quick brown fox jumps over the lazy dog; naïve café ünïcödé 日本語. " }
        let system = String(repeating: "Rules. ", count: 2000)
        let body = """
            {"model":"big","messages":[{"role":"system","content":"\(system)"},{"role":"user","content":"\(text)"}],\
            "stream":true}
            """
        let raw = bytes(body)
        #expect(raw.count > 64 * 1024)
        let cuts = Array(stride(from: 16384, to: raw.count, by: 16384))
        let sliced = inspect(raw, cuts: cuts, prefixBytes: 4096)
        #expect(sliced.step == .complete)
        #expect(sliced.model == "big")
        #expect(sliced.stream)
        #expect(sliced.contentBytes == system.utf8.count + text.utf8.count)
        #expect(sliced.prefixHashedBytes == 4096)
        // Truncated to 4096 bytes, cut back to a whole character.
        #expect(sliced.lastUserMessageBytes.count <= 4096 && sliced.lastUserMessageBytes.count > 4092)
        #expect(text.utf8.starts(with: sliced.lastUserMessageBytes))
        #expect(String(validating: sliced.lastUserMessageBytes, as: UTF8.self) != nil)
        #expect(sliced == inspect(raw, prefixBytes: 4096))
        // Odd slice sizes too.
        for size in [1000, 4093, 9999] {
            let odd = Array(stride(from: size, to: raw.count, by: size))
            #expect(inspect(raw, cuts: odd, prefixBytes: 4096) == sliced, "slices of \(size)")
        }
    }
}
