import Testing
@testable import RingwayHTTP

@Suite("Byte classes and scans")
struct ByteClassTests {
    static let tchars = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)

    @Test("token masks match the RFC 9110 tchar set for all 256 bytes")
    func tokenMasks() {
        for b in 0...255 {
            let byte = UInt8(b)
            #expect(ByteClass.isToken(byte) == Self.tchars.contains(byte), "byte \(b)")
        }
    }

    @Test("hexValue matches HEXDIG")
    func hexDigits() {
        for b in 0...255 {
            let expected = Int(String(UnicodeScalar(UInt8(b))), radix: 16).map(UInt8.init)
            #expect(ByteClass.hexValue(UInt8(b)) == expected, "byte \(b)")
        }
    }

    @Test("known header names classify case-insensitively, near misses do not")
    func headerNames() {
        let cases: [(String, HeaderKind)] = [
            ("Content-Length", .contentLength), ("CONTENT-LENGTH", .contentLength),
            ("transfer-encoding", .transferEncoding), ("Host", .host), ("hOsT", .host),
            ("Connection", .connection), ("Keep-Alive", .keepAlive), ("Proxy-Connection", .proxyConnection),
            ("TE", .te), ("Upgrade", .upgrade), ("Trailer", .trailer), ("Expect", .expect),
            ("Content-Type", .contentType), ("X-Request-ID", .xRequestID), ("X-Forwarded-For", .xForwardedFor),
            ("x-forwarded-proto", .xForwardedProto),
            ("Content_Length", .other), ("Hosts", .other), ("Hos", .other), ("T", .other),
            ("Content-Lengti", .other), ("X-Forwarded-Fo~", .other),
        ]
        for (name, kind) in cases {
            let got = Array(name.utf8).withUnsafeBytes { HeaderNames.classify($0.baseAddress!, count: $0.count) }
            #expect(got == kind, "\(name)")
        }
    }

    @Test("word-at-a-time scans agree with a byte loop", arguments: 0..<8)
    func scansMatchReference(seed: Int) {
        var rng = SplitMix64(state: UInt64(seed) &* 7919)
        for _ in 0..<400 {
            let count = Int.random(in: 0...40, using: &rng)
            var buffer = (0..<count).map { _ in UInt8.random(in: 0x21...0x7E, using: &rng) }
            // Sprinkle a few arbitrary bytes so every class boundary is hit.
            for _ in 0..<Int.random(in: 0...2, using: &rng) where count > 0 {
                buffer[Int.random(in: 0..<count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            let from = count == 0 ? 0 : Int.random(in: 0...count, using: &rng)
            let control = buffer[from...].firstIndex { $0 < 0x20 || $0 == 0x7F } ?? count
            let nonVisible = buffer[from...].firstIndex { $0 <= 0x20 || $0 >= 0x7F } ?? count
            let tokenEnd = buffer[from...].firstIndex { !Self.tchars.contains($0) } ?? count
            buffer.withUnsafeBytes { raw in
                let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!
                #expect(ByteScan.firstControl(base, from: from, end: count) == control)
                #expect(ByteScan.firstNonVisible(base, from: from, end: count) == nonVisible)
                #expect(ByteScan.tokenEnd(base, from: from, end: count) == tokenEnd)
            }
        }
    }

    @Test("every single byte value stops the scans exactly where it should")
    func scansEveryByte() {
        for b in 0...255 {
            let byte = UInt8(b)
            for position in 0..<17 {
                var buffer = [UInt8](repeating: UInt8(ascii: "a"), count: 17)
                buffer[position] = byte
                buffer.withUnsafeBytes { raw in
                    let control = byte < 0x20 || byte == 0x7F ? position : 17
                    let visible = byte <= 0x20 || byte >= 0x7F ? position : 17
                    let token = Self.tchars.contains(byte) ? 17 : position
                    #expect(ByteScan.firstControl(raw.baseAddress!, from: 0, end: 17) == control)
                    #expect(ByteScan.firstNonVisible(raw.baseAddress!, from: 0, end: 17) == visible)
                    #expect(ByteScan.tokenEnd(raw.baseAddress!, from: 0, end: 17) == token)
                }
            }
        }
    }
}
