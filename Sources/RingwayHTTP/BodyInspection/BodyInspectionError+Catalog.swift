/// Every error the inspector returns. Syntax errors follow RFC 8259 and point
/// at the first byte that cannot continue a valid document; the others are
/// policy on top of valid JSON.
extension BodyInspectionError {
    // MARK: structure (RFC 8259 §2, §4, §5)

    static func notAnObject(at offset: Int64) -> Self {
        Self(offset: offset, reason: "the request body must be a JSON object", isSyntaxError: false)
    }
    static func expectedKeyOrObjectEnd(at offset: Int64) -> Self {
        Self(offset: offset, reason: "expected a string key or '}'", isSyntaxError: true)
    }
    static func expectedKey(at offset: Int64) -> Self {
        Self(offset: offset, reason: "expected a string key after ','", isSyntaxError: true)
    }
    static func expectedColon(at offset: Int64) -> Self {
        Self(offset: offset, reason: "expected ':' after an object key", isSyntaxError: true)
    }
    static func expectedValue(at offset: Int64) -> Self {
        Self(offset: offset, reason: "expected a value", isSyntaxError: true)
    }
    static func expectedCommaOrObjectEnd(at offset: Int64) -> Self {
        Self(offset: offset, reason: "expected ',' or '}' after an object member", isSyntaxError: true)
    }
    static func expectedCommaOrArrayEnd(at offset: Int64) -> Self {
        Self(offset: offset, reason: "expected ',' or ']' after an array element", isSyntaxError: true)
    }
    static func trailingData(at offset: Int64) -> Self {
        Self(offset: offset, reason: "unexpected data after the top-level object", isSyntaxError: true)
    }
    static func truncated(at offset: Int64) -> Self {
        Self(offset: offset, reason: "the body ends before the JSON object is complete", isSyntaxError: true)
    }

    // MARK: strings (RFC 8259 §7, §8.1)

    static func controlCharacter(at offset: Int64) -> Self {
        Self(offset: offset, reason: "unescaped control character in a string", isSyntaxError: true)
    }
    static func invalidEscape(at offset: Int64) -> Self {
        Self(offset: offset, reason: "invalid escape sequence in a string", isSyntaxError: true)
    }
    static func invalidUnicodeEscape(at offset: Int64) -> Self {
        Self(offset: offset, reason: "expected 4 hex digits after \\u", isSyntaxError: true)
    }
    static func invalidUTF8(at offset: Int64) -> Self {
        Self(offset: offset, reason: "invalid UTF-8 in a string", isSyntaxError: true)
    }

    // MARK: numbers and literals (RFC 8259 §6, §3)

    static func leadingZero(at offset: Int64) -> Self {
        Self(offset: offset, reason: "leading zero in a number", isSyntaxError: true)
    }
    static func digitAfterMinus(at offset: Int64) -> Self {
        Self(offset: offset, reason: "expected a digit after '-'", isSyntaxError: true)
    }
    static func digitAfterPoint(at offset: Int64) -> Self {
        Self(offset: offset, reason: "expected a digit after the decimal point", isSyntaxError: true)
    }
    static func digitInExponent(at offset: Int64) -> Self {
        Self(offset: offset, reason: "expected a digit in the exponent", isSyntaxError: true)
    }
    static func invalidLiteral(at offset: Int64) -> Self {
        Self(offset: offset, reason: "invalid literal (expected true, false or null)", isSyntaxError: true)
    }

    // MARK: policy

    /// Parsers disagree on duplicate keys (first wins, last wins), so a body
    /// with two could be routed as one model and served as another.
    static func duplicateModel(at offset: Int64) -> Self {
        Self(offset: offset, reason: "duplicate \"model\" key", isSyntaxError: false)
    }
    static func duplicateStream(at offset: Int64) -> Self {
        Self(offset: offset, reason: "duplicate \"stream\" key", isSyntaxError: false)
    }
    static func tooDeep(at offset: Int64, limit: Int) -> Self {
        Self(offset: offset, reason: "JSON nested deeper than", isSyntaxError: false, limit: limit, limitUnit: "levels")
    }
    static func modelTooLong(at offset: Int64, limit: Int) -> Self {
        Self(offset: offset, reason: "model name longer than", isSyntaxError: false, limit: limit, limitUnit: "bytes")
    }
}
