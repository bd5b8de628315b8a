/// The state machine: one switch per byte for structure, tight inner loops
/// for the long runs (string text, digits). Helpers that can fail set `state`
/// to `.failed`, which ends the loop.
extension RequestBodyInspector {
    public func feed(_ bytes: UnsafeRawBufferPointer) -> BodyInspectionStep {
        if let failure { return .failure(failure) }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return .needMore }
        let end = bytes.count
        // Lazy hashing and capture work on runs of the current slice.
        hashFrom = 0
        captureFrom = 0
        var i = 0
        scan: while i < end {
            switch state {
            case .string:
                i = StringByteScan.firstSpecial(base, from: i, end: end)
                if i == end { break scan }
                let c = base.load(fromByteOffset: i, as: UInt8.self)
                if c == JSONByte.quote {
                    endString(base, at: i)
                } else if c == JSONByte.backslash {
                    flushCapture(base, to: i)
                    state = .escape
                } else if c < 0x20 {
                    fail(.controlCharacter(at: offset(i)))
                } else {
                    beginUTF8(c, at: i)
                }
                i &+= 1

            case .utf8Continuation:
                let c = base.load(fromByteOffset: i, as: UInt8.self)
                if c < utf8Low || c > utf8High {
                    fail(.invalidUTF8(at: offset(i)))
                    break scan
                }
                utf8Remaining &-= 1
                utf8Low = 0x80
                utf8High = 0xBF
                if utf8Remaining == 0 { state = .string }
                i &+= 1

            case .escape:
                escapeCharacter(base.load(fromByteOffset: i, as: UInt8.self), at: i)
                i &+= 1

            case .unicodeEscape:
                unicodeDigit(base.load(fromByteOffset: i, as: UInt8.self), at: i)
                i &+= 1

            case .documentStart:
                let c = base.load(fromByteOffset: i, as: UInt8.self)
                if !JSONByte.isWhitespace(c) {
                    if c == JSONByte.openBrace { openTopLevel() } else { fail(.notAnObject(at: offset(i))) }
                }
                i &+= 1

            case .objectKeyOrEnd:
                let c = base.load(fromByteOffset: i, as: UInt8.self)
                if !JSONByte.isWhitespace(c) {
                    if c == JSONByte.quote {
                        beginKey(at: i)
                    } else if c == JSONByte.closeBrace {
                        if depth == 1 { topLevelIsEmpty = true }
                        closeContainer(at: i)
                    } else {
                        fail(.expectedKeyOrObjectEnd(at: offset(i)))
                    }
                }
                i &+= 1

            case .objectKey:
                let c = base.load(fromByteOffset: i, as: UInt8.self)
                if !JSONByte.isWhitespace(c) {
                    if c == JSONByte.quote { beginKey(at: i) } else { fail(.expectedKey(at: offset(i))) }
                }
                i &+= 1

            case .colon:
                let c = base.load(fromByteOffset: i, as: UInt8.self)
                if !JSONByte.isWhitespace(c) {
                    if c == JSONByte.colon { state = .memberValue } else { fail(.expectedColon(at: offset(i))) }
                }
                i &+= 1

            case .memberValue:
                let c = base.load(fromByteOffset: i, as: UInt8.self)
                if !JSONByte.isWhitespace(c) { beginValue(c, at: i) }
                i &+= 1

            case .arrayValueOrEnd:
                let c = base.load(fromByteOffset: i, as: UInt8.self)
                if !JSONByte.isWhitespace(c) {
                    if c == JSONByte.closeBracket {
                        closeContainer(at: i)
                    } else {
                        beginElement()
                        beginValue(c, at: i)
                    }
                }
                i &+= 1

            case .arrayValue:
                let c = base.load(fromByteOffset: i, as: UInt8.self)
                if !JSONByte.isWhitespace(c) {
                    beginElement()
                    beginValue(c, at: i)
                }
                i &+= 1

            case .objectCommaOrEnd:
                let c = base.load(fromByteOffset: i, as: UInt8.self)
                if !JSONByte.isWhitespace(c) {
                    if c == JSONByte.comma {
                        state = .objectKey
                    } else if c == JSONByte.closeBrace {
                        closeContainer(at: i)
                    } else {
                        fail(.expectedCommaOrObjectEnd(at: offset(i)))
                    }
                }
                i &+= 1

            case .arrayCommaOrEnd:
                let c = base.load(fromByteOffset: i, as: UInt8.self)
                if !JSONByte.isWhitespace(c) {
                    if c == JSONByte.comma {
                        state = .arrayValue
                    } else if c == JSONByte.closeBracket {
                        closeContainer(at: i)
                    } else {
                        fail(.expectedCommaOrArrayEnd(at: offset(i)))
                    }
                }
                i &+= 1

            case .documentEnd:
                let c = base.load(fromByteOffset: i, as: UInt8.self)
                if !JSONByte.isWhitespace(c) { fail(.trailingData(at: offset(i))) }
                i &+= 1

            case .numberMinus, .numberZero, .numberInteger, .numberPoint, .numberFraction,
                 .numberExponentMark, .numberExponentSign, .numberExponent:
                i = scanNumber(base, from: i, end: end)

            case .literal:
                literalCharacter(base.load(fromByteOffset: i, as: UInt8.self), at: i)
                i &+= 1

            case .failed:
                break scan
            }
        }
        if let failure { return .failure(failure) }
        // The slice ended inside a string: hash and capture what it held.
        switch state {
        case .string, .utf8Continuation:
            flushCapture(base, to: end)
            if stringCounted { hasher.absorb(base, from: hashFrom, to: end) }
        case .escape, .unicodeEscape:
            if stringCounted { hasher.absorb(base, from: hashFrom, to: end) }
        default:
            break
        }
        consumed &+= Int64(end)
        return .needMore
    }
}

/// The bytes the grammar branches on (RFC 8259 §2).
enum JSONByte {
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D
    static let colon: UInt8 = 0x3A
    static let comma: UInt8 = 0x2C
    static let minus: UInt8 = 0x2D
    static let plus: UInt8 = 0x2B
    static let point: UInt8 = 0x2E
    static let zero: UInt8 = 0x30

    /// Only these four are whitespace in JSON; form feed and NBSP are not.
    @inline(__always)
    static func isWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
    }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool {
        b &- zero < 10
    }

    @inline(__always)
    static func isExponentMark(_ b: UInt8) -> Bool {
        b | 0x20 == 0x65  // 'e' or 'E'
    }
}
