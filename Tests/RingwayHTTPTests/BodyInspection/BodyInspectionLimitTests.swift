import Testing
@testable import RingwayHTTP

@Suite("BodyInspection limits and hashing")
struct BodyInspectionLimitTests {
    @Test func modelAtAndOverTheLimit() {
        let atLimit = String(repeating: "m", count: 256)
        #expect(inspect("{\"model\":\"\(atLimit)\"}").model == atLimit)
        let over = inspect("{\"x\":1,\"model\":\"\(atLimit)m\"}")
        #expect(over.error?.message == "model name longer than 256 bytes")
        #expect(over.error?.offset == 15)
        #expect(over.error?.description == "invalid request body at byte 15: model name longer than 256 bytes")
        // The limit is on the decoded name.
        let escaped = String(repeating: "\\u0041", count: 256)
        #expect(inspect("{\"model\":\"\(escaped)\"}").model == String(repeating: "A", count: 256))
        let small = BodyInspectionLimits(maxModelBytes: 4)
        #expect(inspect(#"{"model":"abcd"}"#, limits: small).model == "abcd")
        #expect(inspect(#"{"model":"ab\u00e9"}"#, limits: small).model == "abé")
        #expect(inspect(#"{"model":"abcde"}"#, limits: small).error?.message == "model name longer than 4 bytes")
    }

    @Test func depthLimit() {
        func nested(_ n: Int) -> String {
            "{\"a\":" + String(repeating: "[", count: n - 1) + String(repeating: "]", count: n - 1) + "}"
        }
        #expect(inspect(nested(64)).step == .complete)
        let deep = inspect(nested(65))
        #expect(deep.error?.message == "JSON nested deeper than 64 levels")
        #expect(deep.error?.offset == 68)
        let shallow = BodyInspectionLimits(maxDepth: 2)
        #expect(inspect(#"{"a":{}}"#, limits: shallow).step == .complete)
        #expect(inspect(#"{"a":{"b":[]}}"#, limits: shallow).error == .tooDeep(at: 10, limit: 2))
        // Deep nesting inside strings is just text.
        #expect(inspect("{\"a\":\"" + String(repeating: "[{", count: 200) + "\"}").step == .complete)
    }

    @Test func userAndLastMessageAreTruncatedAtCharacterBoundaries() {
        let limits = BodyInspectionLimits(maxUserBytes: 4, lastUserMessageBytes: 5)
        let r = inspect(#"{"user":"abcdef","messages":[{"role":"user","content":"abcéfg"}]}"#, limits: limits)
        #expect(r.user == "abcd")
        #expect(r.lastUserMessage == "abcé")
        let cut = inspect(#"{"user":"ab😀","messages":[{"role":"user","content":[{"text":"abcd"},{"text":"xyz"}]}]}"#,
                          limits: limits)
        #expect(cut.user == "ab")
        #expect(cut.lastUserMessage == "abcd\n")
        #expect(cut.contentBytes == 7)
    }

    @Test func prefixHashDependsOnlyOnTheContentPrefix() {
        let a = inspect(#"{"model":"a","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Hi"}]}"#)
        let b = inspect(#"{"messages":[{"content":"You are terse.","role":"system"},{"role":"user","content":"Hi"}],"model":"b"}"#)
        #expect(a.prefixHash == b.prefixHash)
        #expect(a.prefixHashedBytes == 16)
        let c = inspect(#"{"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Hj"}]}"#)
        #expect(c.prefixHash != a.prefixHash)
        // The separator keeps "ab","c" apart from "a","bc".
        let d = inspect(#"{"prompt":["ab","c"]}"#)
        let e = inspect(#"{"prompt":["a","bc"]}"#)
        #expect(d.prefixHash != e.prefixHash)
        // Only the first prefixBytes count.
        let long1 = inspect(#"{"prompt":"0123456789-one"}"#, prefixBytes: 10)
        let long2 = inspect(#"{"prompt":"0123456789-two"}"#, prefixBytes: 10)
        #expect(long1.prefixHash == long2.prefixHash)
        #expect(long1.prefixHashedBytes == 10)
        #expect(inspect(#"{"prompt":"0123456789-one"}"#, prefixBytes: 11).prefixHash != long1.prefixHash)
        #expect(inspect(#"{"prompt":"x"}"#, prefixBytes: 0).prefixHashedBytes == 0)
    }

    /// The hash as documented in `PrefixHasher`, computed the slow way over
    /// the whole content stream.
    static func referenceHash(_ stream: [UInt8]) -> UInt64 {
        func mix(_ h: UInt64, _ w: UInt64) -> UInt64 {
            let m = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
            return m ^ (m >> 32)
        }
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        var k = 0
        while k < stream.count {
            var word: UInt64 = 0
            for j in 0..<min(8, stream.count - k) { word |= UInt64(stream[k + j]) << UInt64(8 * j) }
            h = mix(h, word)
            k += 8
        }
        h = mix(h, UInt64(stream.count))
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    @Test func prefixHashMatchesTheReference() {
        #expect(inspect(#"{"prompt":"a"}"#).prefixHash == Self.referenceHash([0x61]))
        #expect(inspect(#"{"prompt":""}"#).prefixHash == Self.referenceHash([]))
        #expect(inspect(#"{}"#).prefixHash == Self.referenceHash([]))
        let body = #"{"messages":[{"role":"system","content":"You are terse, \"precise\"."},{"role":"user","content":"Hi there"}]}"#
        let stream = bytes(#"You are terse, \"precise\"."#) + [0x1E] + bytes("Hi there")
        #expect(inspect(body).prefixHash == Self.referenceHash(stream))
        // Cut by the budget: 20 content bytes, separator not counted.
        let cut = bytes(#"You are terse, \"pre"#)
        #expect(inspect(body, prefixBytes: 20).prefixHash == Self.referenceHash(cut))
        let intoSecond = bytes(#"You are terse, \"precise\"."#) + [0x1E] + bytes("Hi ")  // 27 + 3 content bytes
        #expect(inspect(body, prefixBytes: 30).prefixHash == Self.referenceHash(intoSecond))
        #expect(inspect(body, prefixBytes: 30).prefixHashedBytes == 30)
        // Every split of the body, byte at a time included, gives the same hash.
        let raw = bytes(body)
        for cut in 1..<raw.count {
            #expect(inspect(raw, cuts: [cut], prefixBytes: 30).prefixHash == Self.referenceHash(intoSecond))
        }
        #expect(inspectBytewise(raw, prefixBytes: 30).prefixHash == Self.referenceHash(intoSecond))
    }

    @Test func noAllocationStateLeaksBetweenLimits() {
        // Tiny buffers everywhere still work.
        let tiny = BodyInspectionLimits(maxDepth: 3, maxModelBytes: 0, maxUserBytes: 0, lastUserMessageBytes: 0)
        let r = inspect(#"{"model":"","user":"u","messages":[{"role":"user","content":"hello"}]}"#, limits: tiny)
        #expect(r.step == .complete)
        #expect(r.model == "" && r.user == "" && r.lastUserMessage == "")
        #expect(r.contentBytes == 5)
    }
}
