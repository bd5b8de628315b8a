@testable import RingwayHTTP

/// Bytes of a test message; literals use "\r\n" explicitly.
func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

func text(_ b: some Sequence<UInt8>) -> String { String(decoding: Array(b), as: UTF8.self) }

/// A request parsed from a byte array, with helpers to read its ranges back.
struct ParsedRequest {
    var result: HeadParseResult
    var head: RequestHead
    var raw: [UInt8]

    func string(_ r: ByteRange?) -> String? {
        guard let r else { return nil }
        return text(raw[Int(r.start)..<Int(r.end)])
    }

    /// Value of the first field with this name (case-insensitive).
    func value(_ name: String) -> String? {
        head.headers.first { string($0.name)?.lowercased() == name.lowercased() }.flatMap { string($0.value) }
    }
}

func parseRequest(_ raw: [UInt8], limits: HTTPLimits = HTTPLimits()) -> ParsedRequest {
    var head = RequestHead()
    let result = raw.withUnsafeBytes { RequestHeadParser.parse($0, limits: limits, into: &head) }
    return ParsedRequest(result: result, head: head, raw: raw)
}

func parseRequest(_ s: String, limits: HTTPLimits = HTTPLimits()) -> ParsedRequest {
    parseRequest(bytes(s), limits: limits)
}

struct ParsedResponse {
    var result: HeadParseResult
    var head: ResponseHead
    var raw: [UInt8]

    func string(_ r: ByteRange) -> String { text(raw[Int(r.start)..<Int(r.end)]) }
}

func parseResponse(_ s: String, requestWasHEAD: Bool = false, limits: HTTPLimits = HTTPLimits()) -> ParsedResponse {
    let raw = bytes(s)
    var head = ResponseHead()
    let result = raw.withUnsafeBytes {
        ResponseHeadParser.parse($0, requestWasHEAD: requestWasHEAD, limits: limits, into: &head)
    }
    return ParsedResponse(result: result, head: head, raw: raw)
}

extension HTTPLimits {
    static func with(_ change: (inout HTTPLimits) -> Void) -> HTTPLimits {
        var limits = HTTPLimits()
        change(&limits)
        return limits
    }
}

/// Runs a serializer into a buffer of `capacity` bytes and returns what it wrote.
func render(capacity: Int = 4096, _ body: (UnsafeMutableRawBufferPointer) -> Int?) -> [UInt8]? {
    var out = [UInt8](repeating: 0, count: capacity)
    let n = out.withUnsafeMutableBytes { body($0) }
    return n.map { Array(out[0..<$0]) }
}

/// A small deterministic generator so randomized tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A named request that must be rejected with a given error.
struct RejectCase: Sendable, CustomTestStringConvertible {
    var name: String
    var raw: String
    var error: HTTPParseError
    var limits: HTTPLimits = HTTPLimits()
    var testDescription: String { name }
}

import Testing
