import RingwayHTTP

/// How a request asked to misbehave (`x-mock-fail`).
enum MockFailure: UInt8 {
    case none
    /// Streams: two events, then FIN without the terminator. `/bytes`: half the body.
    case midstream
    /// After reading the request: RST (SO_LINGER 0), no response byte.
    case reset
    /// Nothing at all until the client gives up.
    case hang
}

/// The per-request shaping headers, with the process flags as defaults. Names
/// and meanings are those of Tests/Fixtures/mock_upstream.py.
struct RequestShape {
    var tokens: Int
    var ttftNanoseconds: UInt64
    var itlNanoseconds: UInt64
    /// 0 = answer normally; otherwise this status with an error body.
    var status = 0
    var failure = MockFailure.none
    /// `x-mock-header-bytes`: pad the response head so it spans buffers.
    var headerPadding = 0
    /// `x-mock-close-delimited: 1`: a stream without chunked framing, ended
    /// by closing the connection (as HTTP/1.0-era servers do).
    var closeDelimited = false
    /// Set when a shaping header is malformed: the request gets a 400.
    var invalid: StaticString?

    init(defaults: MockSettings) {
        tokens = defaults.tokens
        ttftNanoseconds = defaults.ttftMicroseconds &* 1_000
        itlNanoseconds = defaults.itlMicroseconds &* 1_000
    }

    /// Reads the `x-mock-*` fields of a parsed head.
    mutating func read(_ head: RequestHead, source: UnsafeRawPointer) {
        for field in head.headers where field.kind == .other && field.name.count >= 11 {
            let name = source + Int(field.name.start)
            guard lowerEquals(name, 7, "x-mock-") else { continue }
            let rest = name + 7
            let restCount = field.name.count &- 7
            let value = source + Int(field.value.start)
            let valueCount = field.value.count
            if restCount == 6 && lowerEquals(rest, 6, "tokens") {
                guard let v = decimal(value, valueCount, max: 10_000_000) else { invalid = "bad x-mock-tokens"; return }
                tokens = v
            } else if restCount == 7 && lowerEquals(rest, 7, "ttft-us") {
                guard let v = decimal(value, valueCount, max: 3_600_000_000) else { invalid = "bad x-mock-ttft-us"; return }
                ttftNanoseconds = UInt64(v) &* 1_000
            } else if restCount == 6 && lowerEquals(rest, 6, "itl-us") {
                guard let v = decimal(value, valueCount, max: 3_600_000_000) else { invalid = "bad x-mock-itl-us"; return }
                itlNanoseconds = UInt64(v) &* 1_000
            } else if restCount == 6 && lowerEquals(rest, 6, "status") {
                guard let v = decimal(value, valueCount, max: 999), v >= 100 else { invalid = "bad x-mock-status"; return }
                status = v
            } else if restCount == 4 && lowerEquals(rest, 4, "fail") {
                // Values are exact, as in the fixture; anything else is ignored.
                if exactEquals(value, valueCount, "midstream") {
                    failure = .midstream
                } else if exactEquals(value, valueCount, "reset") {
                    failure = .reset
                } else if exactEquals(value, valueCount, "hang") {
                    failure = .hang
                }
            } else if restCount == 15 && lowerEquals(rest, 15, "close-delimited") {
                closeDelimited = exactEquals(value, valueCount, "1")
            } else if restCount == 12 && lowerEquals(rest, 12, "header-bytes") {
                guard let v = decimal(value, valueCount, max: 1 << 20) else { invalid = "bad x-mock-header-bytes"; return }
                headerPadding = v
            }
        }
    }
}

/// ASCII case-insensitive compare against a lower-case literal of `count` bytes.
@inline(__always)
func lowerEquals(_ p: UnsafeRawPointer, _ count: Int, _ literal: StaticString) -> Bool {
    let l = literal.utf8Start
    for i in 0..<count {
        var b = p.load(fromByteOffset: i, as: UInt8.self)
        if b >= 0x41 && b <= 0x5A { b |= 0x20 }
        if b != l[i] { return false }
    }
    return true
}

@inline(__always)
func exactEquals(_ p: UnsafeRawPointer, _ count: Int, _ literal: StaticString) -> Bool {
    guard count == literal.utf8CodeUnitCount else { return false }
    let l = literal.utf8Start
    for i in 0..<count where p.load(fromByteOffset: i, as: UInt8.self) != l[i] { return false }
    return true
}

/// A non-negative decimal of at most `max`, or nil.
func decimal(_ p: UnsafeRawPointer, _ count: Int, max: Int) -> Int? {
    guard count > 0 && count <= 19 else { return nil }
    var v = 0
    for i in 0..<count {
        let b = p.load(fromByteOffset: i, as: UInt8.self)
        guard b >= 0x30 && b <= 0x39 else { return nil }
        v = v &* 10 &+ Int(b &- 0x30)
        if v > max { return nil }
    }
    return v
}

/// `name=value` in a query string (`a=1&b=2`), as an integer; nil when the
/// parameter is absent. A malformed value gives `invalid`.
func queryInteger(_ p: UnsafeRawPointer, _ count: Int, _ name: StaticString, invalid: inout Bool) -> Int? {
    let nameCount = name.utf8CodeUnitCount
    var i = 0
    while i < count {
        var end = i
        while end < count && p.load(fromByteOffset: end, as: UInt8.self) != UInt8(ascii: "&") { end &+= 1 }
        if end &- i > nameCount && exactEquals(p + i, nameCount, name)
            && p.load(fromByteOffset: i &+ nameCount, as: UInt8.self) == UInt8(ascii: "=") {
            let start = i &+ nameCount &+ 1
            var negative = false
            var digitsStart = start
            if digitsStart < end && p.load(fromByteOffset: digitsStart, as: UInt8.self) == UInt8(ascii: "-") {
                negative = true
                digitsStart &+= 1
            }
            guard let v = decimal(p + digitsStart, end &- digitsStart, max: 1 << 40) else {
                invalid = true
                return nil
            }
            return negative ? -v : v
        }
        i = end &+ 1
    }
    return nil
}
