import Testing
@testable import RingwayMockUpstream

@Suite struct BodyFieldScannerTests {
    func scan(_ text: String) -> (BodyFields, String?) {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw in
            let fields = BodyFieldScanner.scan(raw.baseAddress!, count: raw.count)
            let model = fields.modelCount >= 0
                ? String(decoding: raw[fields.modelStart..<(fields.modelStart + fields.modelCount)], as: UTF8.self) : nil
            return (fields, model)
        }
    }

    @Test func findsTopLevelFields() {
        let (f, model) = scan(#"{"model": "gpt-4o", "stream" : true, "stream_options": {"include_usage": true}}"#)
        #expect(model == "gpt-4o")
        #expect(f.stream && f.includeUsage)
    }

    @Test func ignoresKeysInsideStringsAndNestedObjects() {
        let (f, model) = scan(#"{"messages":[{"content":"\"stream\": true, \"model\": \"x\""},{"model":"inner","stream":true}],"model":"outer"}"#)
        #expect(model == "outer")
        #expect(!f.stream)
        #expect(!f.includeUsage)
    }

    @Test func streamFalseAndIncludeUsageOutsideStreamOptions() {
        let (f, _) = scan(#"{"stream":false,"include_usage":true,"stream_options":null,"x":{"include_usage":true}}"#)
        #expect(!f.stream && !f.includeUsage)
    }

    @Test func keepsEscapesInTheModel() {
        let (_, model) = scan(#"{"model":"a\"b\\"}"#)
        #expect(model == #"a\"b\\"#)
    }

    @Test func base64AndNonObjects() {
        #expect(scan(#"{"encoding_format":"base64"}"#).0.base64Embeddings)
        #expect(!scan(#"{"encoding_format":"float"}"#).0.base64Embeddings)
        #expect(!scan("[1]").0.isObject)
        #expect(scan("  ").0.isObject)  // empty body: the fixture reads {}
    }

    @Test func truncatedWindowIsHarmless() {
        let (f, model) = scan(#"{"stream":true,"model":"abc"#)
        #expect(f.stream)
        #expect(model == nil)
    }
}

@Suite struct ChunkedBodyDecoderTests {
    func decode(_ pieces: [String]) -> (data: String, done: Bool, failed: Bool) {
        var decoder = ChunkedBodyDecoder()
        var data: [UInt8] = []
        for piece in pieces {
            let bytes = Array(piece.utf8)
            var offset = 0
            loop: while true {
                let event = bytes.withUnsafeBytes { decoder.next($0.baseAddress!, count: $0.count, offset: &offset) }
                switch event {
                case .data(let at, let n): data += bytes[at..<(at + n)]
                case .needMore: break loop
                case .done: return (String(decoding: data, as: UTF8.self), true, false)
                case .failure: return (String(decoding: data, as: UTF8.self), false, true)
                }
            }
        }
        return (String(decoding: data, as: UTF8.self), false, false)
    }

    @Test func decodesAcrossAnySplit() {
        let body = "1;ext=1\r\na\r\n2\r\nbc\r\n0\r\nX-Trailer: t\r\n\r\n"
        for cut in 0...body.utf8.count {
            let bytes = Array(body.utf8)
            let result = decode([String(decoding: bytes[0..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self)])
            #expect(result.data == "abc" && result.done, "cut at \(cut)")
        }
    }

    @Test func rejectsBadFraming() {
        #expect(decode(["zz\r\n"]).failed)
        #expect(decode(["3\r\nabcX"]).failed)
        #expect(decode(["3\nabc"]).failed)
        #expect(decode(["11111111111111111\r\n"]).failed)
    }

    @Test func reportsWhereTheBodyEnds() {
        var decoder = ChunkedBodyDecoder()
        let bytes = Array("0\r\n\r\nGET".utf8)
        var offset = 0
        let event = bytes.withUnsafeBytes { decoder.next($0.baseAddress!, count: $0.count, offset: &offset) }
        #expect(event == .done(consumed: 5))
    }
}

@Suite struct SHA256Tests {
    func hex(_ text: String) -> String {
        var sha = SHA256()
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { sha.update($0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, $0.count) }
        let out = GrowableBytes(capacity: 64)
        sha.finish(into: out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test func knownVectors() {
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex(String(repeating: "a", count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

@Suite struct MockCommandLineTests {
    @Test func defaultsAndFlags() throws {
        let defaults = try MockCommandLine.parse([])
        #expect(defaults.host == "127.0.0.1" && defaults.port == 0 && defaults.workers == 1 && defaults.tokens == 8)
        let s = try MockCommandLine.parse(["--listen", "[::1]:8123", "--workers", "2", "--tokens", "5", "--ttft-us", "7",
                                           "--itl-us", "9", "--slots", "4", "--queue", "3", "--model", "m",
                                           "--uds", "/tmp/x.sock", "--overload-status", "503"])
        #expect(s.host == "::1" && s.port == 8123 && s.workers == 2 && s.tokens == 5)
        #expect(s.ttftMicroseconds == 7 && s.itlMicroseconds == 9 && s.slots == 4 && s.queue == 3)
        #expect(s.model == "m" && s.unixPath == "/tmp/x.sock" && s.overloadStatus == 503)
        let python = try MockCommandLine.parse(["--port", "0", "--host", "127.0.0.1"])
        #expect(python.port == 0)
    }

    @Test func mistakesAreReported() {
        for bad in [["--listen", "localhost:80"], ["--listen", "1.2.3.4"], ["--workers", "0"], ["--tokens", "-1"],
                    ["--queue", "3"], ["--overload-status", "500"], ["--bogus"], ["--slots"]] {
            #expect(throws: MockUsageError.self, "\(bad)") { try MockCommandLine.parse(bad) }
        }
    }
}
