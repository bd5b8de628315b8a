import Testing
@testable import RingwayHTTP

/// Randomly mutated messages (seeded, reproducible) must never crash the
/// parsers and must keep the properties the proxy relies on. A quick in-suite
/// complement to proper fuzzing.
@Suite("Mutation robustness")
struct MutationRobustnessTests {
    static let interesting: [UInt8] = [0x0D, 0x0A, 0x20, 0x09, 0x00, 0x3A, 0x2C, 0x3B, 0x61, 0x7F, 0x80, 0xFF, 0x30, 0x2D]

    static func mutate(_ seed: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var b = seed
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let byte = Bool.random(using: &rng) ? interesting.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            let at = Int.random(in: 0..<max(b.count, 1), using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0 where !b.isEmpty: b[at] = byte
            case 1: b.insert(byte, at: min(at, b.count))
            default: if !b.isEmpty { b.remove(at: at) }
            }
        }
        return b
    }

    static let requestSeeds: [String] = [
        "POST /v1/chat/completions HTTP/1.1\r\nHost: a:8080\r\nContent-Type: application/json\r\nContent-Length: 10\r\n"
            + "X-Request-ID: r\r\nX-Forwarded-For: 1.1.1.1\r\nConnection: keep-alive, x-a\r\nX-A: 1\r\n\r\n0123456789",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "\r\nGET /x?y HTTP/1.0\r\nConnection: keep-alive\r\nUpgrade: h2c\r\nTE: trailers\r\n\r\n",
    ]

    @Test("mutated requests: consistent results, ranges in bounds, writer output re-parses", arguments: 0..<3)
    func requests(seedIndex: Int) {
        var rng = SplitMix64(state: UInt64(seedIndex) &+ 42)
        let seed = bytes(Self.requestSeeds[seedIndex])
        let limits = HTTPLimits.with { $0.maxHeaderBytes = 200; $0.maxHeaderCount = 8; $0.maxURLBytes = 40 }
        for _ in 0..<1500 {
            let raw = Self.mutate(seed, &rng)
            let p = parseRequest(raw, limits: limits)
            // A prefix never fails differently, and never completes early.
            let cut = Int.random(in: 0...raw.count, using: &rng)
            let prefix = parseRequest(Array(raw[0..<cut]), limits: limits).result
            switch p.result {
            case .incomplete:
                #expect(prefix == .incomplete)
            case .failure:
                #expect(prefix == .incomplete || prefix == p.result)
            case .complete(let length):
                #expect(length <= raw.count && length <= limits.maxHeaderBytes)
                #expect(cut >= length ? prefix == p.result : prefix == .incomplete)
                for f in p.head.headers {
                    #expect(f.name.start >= 0 && f.name.end <= length && f.name.count > 0)
                    #expect(f.value.start >= f.name.end && f.value.end <= length && f.value.count >= 0)
                }
                #expect(p.head.headers.count <= limits.maxHeaderCount)
                #expect(p.head.target.count <= limits.maxURLBytes)
                checkForwarded(p)
            }
        }
    }

    func checkForwarded(_ p: ParsedRequest) {
        let ip = bytes("192.0.2.1"), host = bytes(p.head.host == nil ? "upstream" : "")
        let out = ip.withUnsafeBytes { ip in
            host.withUnsafeBytes { host in
                render(capacity: 1024) { out in
                    p.raw.withUnsafeBytes {
                        RequestHeadWriter.write(p.head, source: $0,
                                                context: ForwardingContext(clientAddress: ip, proto: .https, hostOverride: host),
                                                into: out)
                    }
                }
            }
        }
        guard let out else { Issue.record("writer overflow"); return }
        let again = parseRequest(out)
        #expect(again.result == .complete(headLength: out.count), "\(text(out).debugDescription)")
        #expect(again.head.framing == p.head.framing)
        #expect(again.head.headers.allSatisfy { !$0.kind.isHopByHop && $0.kind != .expect })
    }

    @Test("mutated responses: consistent results", arguments: 0..<2)
    func responses(seedIndex: Int) {
        let seeds = ["HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nConnection: x\r\nX: 1\r\n\r\n",
                     "HTTP/1.0 404 Not Found\r\nContent-Length: 3\r\nKeep-Alive: timeout=5\r\n\r\nabc"]
        var rng = SplitMix64(state: UInt64(seedIndex) &+ 7)
        let seed = bytes(seeds[seedIndex])
        for _ in 0..<1500 {
            let raw = Self.mutate(seed, &rng)
            var head = ResponseHead()
            let full = raw.withUnsafeBytes { ResponseHeadParser.parse($0, requestWasHEAD: false, limits: HTTPLimits(), into: &head) }
            let cut = Int.random(in: 0...raw.count, using: &rng)
            let prefix = Array(raw[0..<cut]).withUnsafeBytes {
                ResponseHeadParser.parse($0, requestWasHEAD: false, limits: HTTPLimits(), into: &head)
            }
            if case .complete(let length) = full {
                #expect(cut >= length ? prefix == full : prefix == .incomplete)
                #expect((100...599).contains(head.status) || cut < length)
            } else {
                #expect(prefix == .incomplete || prefix == full)
            }
        }
    }

    @Test("mutated chunked bodies: whole, split and byte-by-byte agree", arguments: 0..<2)
    func chunked(seedIndex: Int) {
        let seeds = ["5;x=1\r\nhello\r\n1A\r\n0123456789abcdef0123456789\r\n0\r\nT: v\r\n\r\nNEXT",
                     "3\r\nabc\r\n0 ;e\r\n\r\n"]
        var rng = SplitMix64(state: UInt64(seedIndex) &+ 99)
        let seed = bytes(seeds[seedIndex])
        let limits = HTTPLimits.with { $0.maxBodyBytes = 64; $0.maxChunkExtensionBytes = 8; $0.maxTrailerBytes = 16 }
        for _ in 0..<1500 {
            let raw = Self.mutate(seed, &rng)
            var whole = ChunkedFraming(limits: limits)
            let expected = raw.withUnsafeBytes { whole.feed($0) }

            var bytewise = ChunkedFraming(limits: limits)
            var got: ChunkedFraming.Step = .needMore
            for (k, b) in raw.enumerated() {
                got = [b].withUnsafeBytes { bytewise.feed($0) }
                if case .done = got { got = .done(consumed: k + 1); break }
                if got != .needMore { break }
            }
            #expect(got == expected)

            let cut = Int.random(in: 0...raw.count, using: &rng)
            var split = ChunkedFraming(limits: limits)
            var step = Array(raw[0..<cut]).withUnsafeBytes { split.feed($0) }
            if step == .needMore {
                step = Array(raw[cut...]).withUnsafeBytes { split.feed($0) }
                if case .done(let n) = step { step = .done(consumed: cut + n) }
            }
            #expect(step == expected)
            #expect(split.bodyBytes == whole.bodyBytes)
        }
    }
}
