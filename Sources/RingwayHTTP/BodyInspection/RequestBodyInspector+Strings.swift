/// Strings (RFC 8259 §7): validation, and decoding into the capture sink.
///
/// Raw text is captured in runs (`captureFrom` up to an escape, the closing
/// quote or the end of the slice), so the scan loop does no per-byte work for
/// it; escapes are decoded as they complete. Counted strings are hashed the
/// same way, from `hashFrom`.
extension RequestBodyInspector {
    func beginKey(at i: Int) {
        stringIsKey = true
        stringCounted = false
        stringStart = offset(i)
        // Keys only matter where some key is acted on; elsewhere (tools,
        // metadata, response_format) they are scanned like any text.
        if frame.role != .plain || !frame.flags.isEmpty {
            setSink(.key, scratch.key, capacity: BodyKey.capacity, length: 0)
        } else {
            sink = .none
        }
        captureFrom = i &+ 1
        state = .string
    }

    func beginValueString(at i: Int) {
        stringIsKey = false
        stringStart = offset(i)
        stringCounted = valueFlags.contains(.counted)
        if stringCounted {
            hasher.beginString()
            hashFrom = i &+ 1
        }
        switch valueField {
        case .model:
            setSink(.model, scratch.model, capacity: limits.maxModelBytes, length: 0)
        case .user:
            setSink(.user, scratch.user, capacity: limits.maxUserBytes, length: 0)
        case .messageRole, .typeValue:
            setSink(.label, scratch.label, capacity: InspectorScratch.labelCapacity, length: 0)
        case .messageContent, .partText:
            if messageRole == .other {
                sink = .none
            } else {
                setSink(.messageText, textBuffer(lastUserIndex ^ 1), capacity: limits.lastUserMessageBytes, length: workLength)
                sinkTruncated = workTruncated
                // Parts are joined with a newline.
                if messageHasText { appendByte(0x0A) }
            }
        case .input, .prompt:
            setSink(.loneText, textBuffer(lastUserIndex ^ 1), capacity: limits.lastUserMessageBytes, length: 0)
        default:
            sink = .none
        }
        captureFrom = i &+ 1
        state = .string
    }

    /// The closing quote at slice index `i`.
    func endString(_ base: UnsafeRawPointer, at i: Int) {
        if sink != .none {
            flushCapture(base, to: i)
            if pendingHighSurrogate != 0 { emitReplacement() }
        }
        if stringIsKey {
            let key = sink == .key && !sinkTruncated ? BodyKey.classify(scratch.key, count: sinkLength) : .other
            sink = .none
            state = .colon
            assignMeaning(of: key)
            return
        }
        if stringCounted {
            hasher.absorb(base, from: hashFrom, to: i)
            contentBytes &+= Int(offset(i) &- stringStart &- 1)
        }
        if sink != .none {
            endCapture(at: i)
            sink = .none
            if state == .failed { return }
        }
        endValue(at: offset(i) &+ 1)
    }

    // MARK: non-ASCII text (RFC 3629)

    @inline(__always)
    func beginUTF8(_ lead: UInt8, at i: Int) {
        let rule = UTF8Lead(lead)
        if rule.continuationCount == 0 {
            fail(.invalidUTF8(at: offset(i)))
            return
        }
        utf8Remaining = rule.continuationCount
        utf8Low = rule.secondLow
        utf8High = rule.secondHigh
        state = .utf8Continuation
    }

    // MARK: escapes

    func escapeCharacter(_ c: UInt8, at i: Int) {
        let decoded: UInt8
        switch c {
        case JSONByte.quote, JSONByte.backslash, 0x2F: decoded = c   // \" \\ \/
        case 0x62: decoded = 0x08                                    // \b
        case 0x66: decoded = 0x0C                                    // \f
        case 0x6E: decoded = 0x0A                                    // \n
        case 0x72: decoded = 0x0D                                    // \r
        case 0x74: decoded = 0x09                                    // \t
        case 0x75:                                                   // \u
            unicodeDigits = 0
            unicodeValue = 0
            state = .unicodeEscape
            return
        default:
            fail(.invalidEscape(at: offset(i)))
            return
        }
        if sink != .none {
            if pendingHighSurrogate != 0 { emitReplacement() }
            appendByte(decoded)
        }
        state = .string
        captureFrom = i &+ 1
    }

    func unicodeDigit(_ c: UInt8, at i: Int) {
        let value: UInt8
        switch c {
        case 0x30...0x39: value = c &- 0x30
        case 0x41...0x46: value = c &- 0x37
        case 0x61...0x66: value = c &- 0x57
        default:
            fail(.invalidUnicodeEscape(at: offset(i)))
            return
        }
        unicodeValue = unicodeValue << 4 | UInt32(value)
        unicodeDigits &+= 1
        if unicodeDigits < 4 { return }
        if sink != .none { emitCodeUnit(unicodeValue) }
        state = .string
        captureFrom = i &+ 1
    }

    /// RFC 8259 §7 lets a \u escape name a lone surrogate; the grammar accepts
    /// it, and what is captured gets U+FFFD in its place (as most decoders do)
    /// so that captured values are always valid UTF-8. A pair is joined.
    func emitCodeUnit(_ unit: UInt32) {
        switch unit {
        case 0xD800...0xDBFF:
            if pendingHighSurrogate != 0 { emitReplacement() }
            pendingHighSurrogate = unit
        case 0xDC00...0xDFFF:
            if pendingHighSurrogate != 0 {
                let scalar = 0x10000 &+ ((pendingHighSurrogate &- 0xD800) << 10) &+ (unit &- 0xDC00)
                pendingHighSurrogate = 0
                emitScalar(scalar)
            } else {
                emitScalar(0xFFFD)
            }
        default:
            if pendingHighSurrogate != 0 { emitReplacement() }
            emitScalar(unit)
        }
    }

    func emitReplacement() {
        pendingHighSurrogate = 0
        emitScalar(0xFFFD)
    }

    /// Appends the UTF-8 encoding of `scalar`.
    func emitScalar(_ scalar: UInt32) {
        if scalar < 0x80 {
            appendByte(UInt8(scalar))
        } else if scalar < 0x800 {
            appendByte(UInt8(0xC0 | scalar >> 6))
            appendByte(UInt8(0x80 | scalar & 0x3F))
        } else if scalar < 0x10000 {
            appendByte(UInt8(0xE0 | scalar >> 12))
            appendByte(UInt8(0x80 | scalar >> 6 & 0x3F))
            appendByte(UInt8(0x80 | scalar & 0x3F))
        } else {
            appendByte(UInt8(0xF0 | scalar >> 18))
            appendByte(UInt8(0x80 | scalar >> 12 & 0x3F))
            appendByte(UInt8(0x80 | scalar >> 6 & 0x3F))
            appendByte(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: the capture sink

    @inline(__always)
    func setSink(_ kind: CaptureSink, _ buffer: UnsafeMutablePointer<UInt8>, capacity: Int, length: Int) {
        sink = kind
        sinkBase = buffer
        sinkCapacity = capacity
        sinkLength = length
        sinkTruncated = false
        pendingHighSurrogate = 0
    }

    /// Captures the raw run `[captureFrom, to)` of the slice.
    @inline(__always)
    func flushCapture(_ base: UnsafeRawPointer, to: Int) {
        if sink == .none || to <= captureFrom { return }
        if pendingHighSurrogate != 0 { emitReplacement() }
        append(base + captureFrom, count: to &- captureFrom)
        captureFrom = to
    }

    /// Copies what fits; a capture that overflows is marked truncated (the
    /// model name turns that into an error when the string ends, so the error
    /// does not depend on where the slices were cut).
    @inline(__always)
    func append(_ bytes: UnsafeRawPointer, count: Int) {
        let room = sinkCapacity &- sinkLength
        let n = min(count, room)
        if n > 0 { (sinkBase + sinkLength).update(from: bytes.assumingMemoryBound(to: UInt8.self), count: n) }
        sinkLength &+= n
        if count > room { sinkTruncated = true }
    }

    @inline(__always)
    func appendByte(_ byte: UInt8) {
        if sinkLength < sinkCapacity {
            sinkBase[sinkLength] = byte
            sinkLength &+= 1
        } else {
            sinkTruncated = true
        }
    }

    /// Length of the captured text, cut back to a character boundary if it
    /// was truncated.
    var capturedTextLength: Int {
        sinkTruncated ? utf8CompletePrefixLength(sinkBase, count: sinkLength) : sinkLength
    }
}
