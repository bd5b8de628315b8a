/// Decodes a chunked request body (RFC 9112 §7.1) into its data spans, so the
/// mock can hash (`/echo`) and scan what the client meant to send rather than
/// the framing around it. As strict as the Python fixture: a size line of 1-16
/// hex digits (extensions ignored), CRLF everywhere, data followed by CRLF;
/// trailer fields are read and ignored.
///
/// Pull style: `next` reports one event per call, so the caller loops without
/// a closure per span.
struct ChunkedBodyDecoder {
    enum Event: Equatable {
        /// `count` data bytes start at `offset` of the slice.
        case data(offset: Int, count: Int)
        /// Every byte of the slice has been used; feed the next one.
        case needMore
        /// The body ended after `consumed` bytes of the slice.
        case done(consumed: Int)
        case failure(StaticString)

        static func == (a: Event, b: Event) -> Bool {
            switch (a, b) {
            case let (.data(x, y), .data(u, v)): return x == u && y == v
            case (.needMore, .needMore): return true
            case let (.done(x), .done(y)): return x == y
            case let (.failure(x), .failure(y)): return x.description == y.description
            default: return false
            }
        }
    }

    private enum State: UInt8 {
        case size, extensions, sizeLF, data, dataCR, dataLF, trailerStart, trailerLine, trailerLF, finalLF, done
    }

    private var state = State.size
    private var remaining = 0
    private var digits = 0

    mutating func reset() { self = ChunkedBodyDecoder() }

    /// Advances through `bytes[offset...]`, moving `offset` past what it used.
    mutating func next(_ bytes: UnsafeRawPointer, count: Int, offset: inout Int) -> Event {
        if state == .done { return .done(consumed: offset) }
        var i = offset
        defer { offset = i }
        while i < count {
            if state == .data {
                let n = min(remaining, count &- i)
                remaining &-= n
                if remaining == 0 { state = .dataCR }
                let start = i
                i &+= n
                return .data(offset: start, count: n)
            }
            let b = bytes.load(fromByteOffset: i, as: UInt8.self)
            i &+= 1
            switch state {
            case .size:
                if let v = hexValue(b) {
                    digits &+= 1
                    if digits > 16 { return fail("chunk size has more than 16 hex digits") }
                    if remaining > Int.max >> 4 { return fail("chunk size too large") }
                    remaining = remaining << 4 | v
                } else if digits == 0 {
                    return fail("bad chunk size")
                } else if b == 0x0D {
                    state = .sizeLF
                } else if b == UInt8(ascii: ";") {
                    state = .extensions
                } else {
                    return fail("bad chunk size")
                }
            case .extensions:
                if b == 0x0D { state = .sizeLF } else if b == 0x0A { return fail("bare LF in chunk extension") }
            case .sizeLF:
                guard b == 0x0A else { return fail("chunk size line not ended by CRLF") }
                digits = 0
                state = remaining == 0 ? .trailerStart : .data
            case .dataCR:
                guard b == 0x0D else { return fail("chunk data not followed by CRLF") }
                state = .dataLF
            case .dataLF:
                guard b == 0x0A else { return fail("chunk data not followed by CRLF") }
                state = .size
            case .trailerStart:
                if b == 0x0D { state = .finalLF } else if b == 0x0A { return fail("bare LF in trailer") } else {
                    state = .trailerLine
                }
            case .trailerLine:
                if b == 0x0D { state = .trailerLF } else if b == 0x0A { return fail("bare LF in trailer") }
            case .trailerLF:
                guard b == 0x0A else { return fail("trailer line not ended by CRLF") }
                state = .trailerStart
            case .finalLF:
                guard b == 0x0A else { return fail("chunked body not ended by CRLF") }
                state = .done
                return .done(consumed: i)
            case .data, .done:
                break
            }
        }
        return .needMore
    }

    private mutating func fail(_ why: StaticString) -> Event {
        state = .done
        return .failure(why)
    }

    private func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(b &- 0x30)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(b &- 0x57)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(b &- 0x37)
        default: return nil
        }
    }
}
