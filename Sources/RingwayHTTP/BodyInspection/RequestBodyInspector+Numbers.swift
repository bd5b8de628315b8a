/// Numbers (RFC 8259 §6) and the literals true, false and null (§3).
///
/// A number has no closing delimiter: it ends at the first byte that cannot
/// continue it, which is then scanned again as structure. So the states that
/// may end a number (zero, integer, fraction, exponent) stop without
/// consuming that byte, and a number cut by the end of a slice simply
/// resumes in the next.
extension RequestBodyInspector {
    func beginNumber(_ c: UInt8) {
        numberCapturing = valueField == .maxTokens || valueField == .maxCompletionTokens || valueField == .maxOutputTokens
        numberNegative = c == JSONByte.minus
        numberIsInteger = true
        numberMagnitude = 0
        switch c {
        case JSONByte.minus: state = .numberMinus
        case JSONByte.zero: state = .numberZero
        default:
            numberMagnitude = UInt64(c &- JSONByte.zero)
            state = .numberInteger
        }
    }

    /// Scans number bytes from slice index `i`; returns where it stopped.
    func scanNumber(_ base: UnsafeRawPointer, from start: Int, end: Int) -> Int {
        var i = start
        while i < end {
            let c = base.load(fromByteOffset: i, as: UInt8.self)
            switch state {
            case .numberMinus:
                guard JSONByte.isDigit(c) else { fail(.digitAfterMinus(at: offset(i))); return i }
                if c == JSONByte.zero {
                    state = .numberZero
                } else {
                    numberMagnitude = UInt64(c &- JSONByte.zero)
                    state = .numberInteger
                }
            case .numberZero:
                if JSONByte.isDigit(c) { fail(.leadingZero(at: offset(i))); return i }
                if !continueAfterInteger(c) { endNumber(at: i); return i }
            case .numberInteger:
                if JSONByte.isDigit(c) {
                    if numberCapturing { accumulate(c) }
                } else if !continueAfterInteger(c) {
                    endNumber(at: i)
                    return i
                }
            case .numberPoint:
                guard JSONByte.isDigit(c) else { fail(.digitAfterPoint(at: offset(i))); return i }
                state = .numberFraction
            case .numberFraction:
                if !JSONByte.isDigit(c) {
                    guard JSONByte.isExponentMark(c) else { endNumber(at: i); return i }
                    state = .numberExponentMark
                }
            case .numberExponentMark:
                if c == JSONByte.plus || c == JSONByte.minus {
                    state = .numberExponentSign
                } else if JSONByte.isDigit(c) {
                    state = .numberExponent
                } else {
                    fail(.digitInExponent(at: offset(i)))
                    return i
                }
            case .numberExponentSign:
                guard JSONByte.isDigit(c) else { fail(.digitInExponent(at: offset(i))); return i }
                state = .numberExponent
            case .numberExponent:
                if !JSONByte.isDigit(c) { endNumber(at: i); return i }
            default:
                preconditionFailure("scanNumber in state \(state)")
            }
            i &+= 1
        }
        return i
    }

    /// After the integer part: a fraction, an exponent, or the end of the
    /// number (false: the number ended before `c`).
    @inline(__always)
    func continueAfterInteger(_ c: UInt8) -> Bool {
        if c == JSONByte.point {
            numberIsInteger = false
            state = .numberPoint
            return true
        }
        if JSONByte.isExponentMark(c) {
            numberIsInteger = false
            state = .numberExponentMark
            return true
        }
        return false
    }

    @inline(__always)
    func accumulate(_ digit: UInt8) {
        let (times10, o1) = numberMagnitude.multipliedReportingOverflow(by: 10)
        let (sum, o2) = times10.addingReportingOverflow(UInt64(digit &- JSONByte.zero))
        numberMagnitude = sum
        // Too big for 64 bits is as good as not an integer for max_tokens.
        if o1 || o2 { numberIsInteger = false }
    }

    /// The number ended just before slice index `i`.
    func endNumber(at i: Int) {
        if state == .numberInteger || state == .numberZero { endNumberInteger() }
        endValue(at: offset(i))
    }

    func endNumberInteger() {
        guard numberCapturing, numberIsInteger else { return }
        let value: Int64
        if numberNegative {
            guard numberMagnitude <= UInt64(Int64.max) + 1 else { return }
            value = numberMagnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(numberMagnitude)
        } else {
            guard numberMagnitude <= UInt64(Int64.max) else { return }
            value = Int64(numberMagnitude)
        }
        switch valueField {
        case .maxTokens: maxTokens = value
        case .maxCompletionTokens: maxCompletionTokens = value
        case .maxOutputTokens: maxOutputTokens = value
        default: break
        }
    }

    // MARK: literals

    func beginLiteral(_ text: StaticString) {
        literalText = text
        literalIndex = 1
        state = .literal
    }

    func literalCharacter(_ c: UInt8, at i: Int) {
        guard c == literalText.utf8Start[literalIndex] else {
            fail(.invalidLiteral(at: offset(i)))
            return
        }
        literalIndex &+= 1
        if literalIndex < literalText.utf8CodeUnitCount { return }
        let first = literalText.utf8Start[0]
        if first != 0x6E {  // true or false
            let value = first == 0x74
            switch valueField {
            case .stream: stream = value
            case .includeUsage:
                includeUsage = value
                // Where the proxy writes `true` over a client's `false`.
                includeUsageRange = (offset(i) &+ 1 &- Int64(literalIndex))..<(offset(i) &+ 1)
            default: break
            }
        } else if valueField == .streamOptions {
            streamOptionsIsNull = true
        }
        endValue(at: offset(i) &+ 1)
    }
}
