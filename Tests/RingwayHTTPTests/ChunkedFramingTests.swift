import Testing
@testable import RingwayHTTP

@Suite("Chunked framing tracker")
struct ChunkedFramingTests {
    static func feed(_ framing: inout ChunkedFraming, _ b: ArraySlice<UInt8>) -> ChunkedFraming.Step {
        Array(b).withUnsafeBytes { framing.feed($0) }
    }

    struct Body: Sendable, CustomTestStringConvertible {
        var raw: String
        var dataBytes: Int64
        var testDescription: String { raw.debugDescription }
    }

    static let valid: [Body] = [
        .init(raw: "0\r\n\r\n", dataBytes: 0),
        .init(raw: "5\r\nhello\r\n0\r\n\r\n", dataBytes: 5),
        .init(raw: "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", dataBytes: 11),
        .init(raw: "A\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n", dataBytes: 20),
        .init(raw: "00005\r\nhello\r\n000\r\n\r\n", dataBytes: 5),
        .init(raw: "5;name=value\r\nhello\r\n0;last\r\n\r\n", dataBytes: 5),
        .init(raw: "5 ;name=\"quoted value\"\r\nhello\r\n0\t; x\r\n\r\n", dataBytes: 5),
        .init(raw: "3\r\n\r\n\r\r\n0\r\n\r\n", dataBytes: 3),
        .init(raw: "0\r\nX-Checksum: abc\r\nX-Usage: {\"tokens\":12}\r\nEmpty:\r\n\r\n", dataBytes: 0),
        .init(raw: "1\r\nx\r\n0\r\nT: \u{80}obs\ttab\r\n\r\n", dataBytes: 1),
    ]

    @Test("one slice, then trailing bytes left for the next message", arguments: valid)
    func oneShot(_ body: Body) {
        let raw = bytes(body.raw)
        var framing = ChunkedFraming(limits: HTTPLimits())
        #expect(Self.feed(&framing, raw[...] + bytes("GET / HTTP/1.1\r\n")[...]) == .done(consumed: raw.count))
        #expect(framing.bodyBytes == body.dataBytes)
        #expect(framing.isComplete)
        #expect(Self.feed(&framing, bytes("more")[...]) == .done(consumed: 0))
    }

    @Test("every split point into two slices", arguments: valid)
    func everySplit(_ body: Body) {
        let raw = bytes(body.raw)
        for split in 1..<raw.count {
            var framing = ChunkedFraming(limits: HTTPLimits())
            #expect(Self.feed(&framing, raw[0..<split]) == .needMore, "split \(split)")
            #expect(Self.feed(&framing, raw[split...] + [0x47]) == .done(consumed: raw.count - split), "split \(split)")
            #expect(framing.bodyBytes == body.dataBytes)
        }
    }

    @Test("byte by byte, and empty slices in between", arguments: valid)
    func byteByByte(_ body: Body) {
        let raw = bytes(body.raw)
        var framing = ChunkedFraming(limits: HTTPLimits())
        for (k, b) in raw.enumerated() {
            #expect(Self.feed(&framing, []) == .needMore)
            let expected: ChunkedFraming.Step = k == raw.count - 1 ? .done(consumed: 1) : .needMore
            #expect(Self.feed(&framing, [b]) == expected, "byte \(k)")
        }
        #expect(framing.bodyBytes == body.dataBytes)
    }

    @Test("three-way splits of a body with trailers")
    func threeWaySplits() {
        let raw = bytes("4;e=1\r\nwiki\r\n5\r\npedia\r\n0\r\nA: b\r\n\r\n")
        for i in 1..<raw.count - 1 {
            for j in (i + 1)..<raw.count {
                var framing = ChunkedFraming(limits: HTTPLimits())
                #expect(Self.feed(&framing, raw[0..<i]) == .needMore)
                #expect(Self.feed(&framing, raw[i..<j]) == .needMore)
                #expect(Self.feed(&framing, raw[j...]) == .done(consumed: raw.count - j))
            }
        }
    }

    struct Malformed: Sendable, CustomTestStringConvertible {
        var raw: String
        var error: HTTPParseError
        var limits: HTTPLimits = HTTPLimits()
        var testDescription: String { raw.debugDescription }
    }

    static let malformed: [Malformed] = [
        .init(raw: "x\r\n", error: .invalidChunkSize),
        .init(raw: "\r\n", error: .invalidChunkSize),
        .init(raw: ";a\r\n", error: .invalidChunkSize),
        .init(raw: " 5\r\nhello\r\n", error: .invalidChunkSize),
        .init(raw: "-5\r\n", error: .invalidChunkSize),
        .init(raw: "+5\r\n", error: .invalidChunkSize),
        .init(raw: "0x5\r\n", error: .invalidChunkSize),
        .init(raw: "5g\r\n", error: .invalidChunkSize),
        .init(raw: "\n", error: .bareLF),
        .init(raw: "5\nhello\r\n", error: .bareLF),
        .init(raw: "5;a\nhello\r\n", error: .bareLF),
        .init(raw: "5 \nhello\r\n", error: .bareLF),
        .init(raw: "5\rhello", error: .bareCR),
        .init(raw: "5 \r\nhello\r\n0\r\n\r\n", error: .whitespaceAfterChunkSize),
        .init(raw: "5 x\r\n", error: .whitespaceAfterChunkSize),
        .init(raw: "5;a\u{00}b\r\n", error: .invalidChunkExtension),
        .init(raw: "5;a\u{7F}\r\n", error: .invalidChunkExtension),
        .init(raw: "5;" + String(repeating: "x", count: 5) + "\r\n", error: .chunkExtensionTooLong,
              limits: .with { $0.maxChunkExtensionBytes = 4 }),
        .init(raw: "5" + String(repeating: " ", count: 5) + ";\r\n", error: .chunkExtensionTooLong,
              limits: .with { $0.maxChunkExtensionBytes = 4 }),
        .init(raw: "1000000000000000\r\n", error: .chunkSizeOverflow),
        .init(raw: "0000000000000000\r\n", error: .chunkSizeOverflow),
        .init(raw: "FFFFFFFFFFFFFFFFF\r\n", error: .chunkSizeOverflow),
        .init(raw: "5\r\nhelloX\r\n", error: .missingChunkDataCRLF),
        .init(raw: "5\r\nhello\n0\r\n\r\n", error: .missingChunkDataCRLF),
        .init(raw: "5\r\nhello\r0\r\n\r\n", error: .missingChunkDataCRLF),
        .init(raw: "3\r\nabcdef\r\n0\r\n\r\n", error: .missingChunkDataCRLF),
        .init(raw: "0\r\n X: a\r\n\r\n", error: .obsFold),
        .init(raw: "0\r\nX: a\r\n\tb\r\n\r\n", error: .obsFold),
        .init(raw: "0\r\nX : a\r\n\r\n", error: .whitespaceBeforeColon),
        .init(raw: "0\r\n: a\r\n\r\n", error: .emptyFieldName),
        .init(raw: "0\r\nX(: a\r\n\r\n", error: .invalidFieldNameByte),
        .init(raw: "0\r\n(X: a\r\n\r\n", error: .invalidFieldNameByte),
        .init(raw: "0\r\nX\r\n\r\n", error: .missingColon),
        .init(raw: "0\r\nX: a\u{00}\r\n\r\n", error: .nulInFieldValue),
        .init(raw: "0\r\nX: a\u{01}\r\n\r\n", error: .controlInFieldValue),
        .init(raw: "0\r\nX: a\nY: b\r\n\r\n", error: .bareLF),
        .init(raw: "0\r\nX: a\rY\r\n\r\n", error: .bareCR),
        .init(raw: "0\r\n\n", error: .bareLF),
        .init(raw: "0\r\n\rX", error: .bareCR),
        .init(raw: "0\r\nX: " + String(repeating: "v", count: 20) + "\r\n\r\n", error: .trailersTooLarge,
              limits: .with { $0.maxTrailerBytes = 16 }),
        .init(raw: "b\r\n", error: .chunkedBodyTooLarge, limits: .with { $0.maxBodyBytes = 10 }),
        .init(raw: "6\r\nabcdef\r\n6\r\n", error: .chunkedBodyTooLarge, limits: .with { $0.maxBodyBytes = 10 }),
    ]

    @Test("malformed bodies fail the same way whole and byte by byte", arguments: malformed)
    func rejects(_ c: Malformed) {
        let raw = bytes(c.raw)
        var whole = ChunkedFraming(limits: c.limits)
        #expect(Self.feed(&whole, raw[...]) == .failure(c.error))
        // The failure sticks.
        #expect(Self.feed(&whole, bytes("0\r\n\r\n")[...]) == .failure(c.error))

        var incremental = ChunkedFraming(limits: c.limits)
        var got: ChunkedFraming.Step = .needMore
        for b in raw {
            got = Self.feed(&incremental, [b])
            if got != .needMore { break }
        }
        #expect(got == .failure(c.error))
    }

    @Test func limitsAreInclusive() {
        let limits = HTTPLimits.with {
            $0.maxBodyBytes = 10
            $0.maxChunkExtensionBytes = 4
            $0.maxTrailerBytes = 10  // "X: abc\r\n" + final "\r\n"
        }
        let raw = bytes("5;abcd\r\nhello\r\n5 ;ab\r\nworld\r\n0\r\nX: abc\r\n\r\n")
        var framing = ChunkedFraming(limits: limits)
        #expect(Self.feed(&framing, raw[...]) == .done(consumed: raw.count))
        #expect(framing.bodyBytes == 10)
    }

    @Test func largeChunkSkipsDataWithoutLookingAtIt() {
        let data = [UInt8](repeating: 0x0A, count: 100_000)  // LF bytes inside data are fine
        var framing = ChunkedFraming(limits: HTTPLimits())
        #expect(Self.feed(&framing, bytes("186A0\r\n")[...]) == .needMore)
        #expect(Self.feed(&framing, data[0..<99_999]) == .needMore)
        #expect(Self.feed(&framing, data[99_999...] + bytes("\r\n0\r\n\r\n")) == .done(consumed: 8))
        #expect(framing.bodyBytes == 100_000)
    }

    @Test func resetStartsAFreshBody() {
        var framing = ChunkedFraming(limits: HTTPLimits())
        #expect(Self.feed(&framing, bytes("x")[...]) == .failure(.invalidChunkSize))
        framing.reset()
        #expect(framing.bodyBytes == 0 && !framing.isComplete)
        #expect(Self.feed(&framing, bytes("2\r\nok\r\n0\r\n\r\n")[...]) == .done(consumed: 12))
    }

    @Test("chunk boundaries are where the proxy may insert whole chunks")
    func chunkBoundary() {
        let raw = bytes("5\r\nhello\r\n0\r\n\r\n")
        var framing = ChunkedFraming(limits: HTTPLimits())
        var boundaries: [Int] = framing.isAtChunkBoundary ? [0] : []
        for (k, b) in raw.enumerated() {
            _ = Self.feed(&framing, [b])
            if framing.isAtChunkBoundary { boundaries.append(k + 1) }
        }
        #expect(boundaries == [0, 10])
    }
}

@Suite("Chunked framing: payload extraction")
struct ChunkedPayloadTests {
    static let body = "5\r\nhello\r\n1;ext=1\r\n \r\na\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\nNEXT"

    @Test func deliversTheDataWithoutFramingAtEverySplit() {
        let bytes = Array(Self.body.utf8)
        let end = bytes.count - 4
        for split in 0...bytes.count {
            var framing = ChunkedFraming(limits: HTTPLimits())
            var payload: [UInt8] = []
            var consumed = -1
            bytes.withUnsafeBytes { all in
                for (from, to) in [(0, split), (split, bytes.count)] where consumed < 0 {
                    let slice = UnsafeRawBufferPointer(rebasing: all[from..<to])
                    switch framing.feedPayload(slice, { payload.append(contentsOf: $0) }) {
                    case .needMore: break
                    case .done(let n): consumed = from + n
                    case .failure(let e): Issue.record("split \(split): \(e)")
                    }
                }
            }
            #expect(String(decoding: payload, as: UTF8.self) == "hello 0123456789", "split \(split)")
            #expect(consumed == end, "split \(split)")
        }
    }

    @Test func aLyingSizeStillFails() {
        var framing = ChunkedFraming(limits: HTTPLimits())
        let step = Array("3\r\nhello\r\n0\r\n\r\n".utf8).withUnsafeBytes { framing.feedPayload($0) { _ in } }
        #expect(step == .failure(.missingChunkDataCRLF))
    }
}
