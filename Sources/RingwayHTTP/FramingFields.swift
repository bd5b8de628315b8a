/// Accumulates Content-Length and Transfer-Encoding across a head's field
/// lines and checks them as RFC 9112 §6 requires, strictly: every case where
/// two implementations could disagree about where the body ends is an error,
/// because that disagreement is what request smuggling exploits.
@usableFromInline
struct FramingFields {
    /// -1 while no Content-Length has been seen.
    @usableFromInline var contentLength: Int64 = -1
    @usableFromInline var hasTransferEncoding = false
    @usableFromInline var hasChunked = false
    /// A coding other than chunked was listed (before chunked, or else the
    /// list has already failed).
    @usableFromInline var hasOtherCoding = false

    @inlinable init() {}

    @inlinable var hasContentLength: Bool { contentLength >= 0 }

    /// `Content-Length = 1*DIGIT` (RFC 9110 §8.6). RFC 9112 §6.3 lets a
    /// recipient accept a list of identical values; we never guess: a second
    /// line, a comma, a sign, inner spaces or hex are all errors.
    @inlinable
    mutating func addContentLength(_ base: UnsafeRawPointer, _ valueStart: Int, _ valueEnd: Int) -> HTTPParseError? {
        if hasContentLength { return .duplicateContentLength }
        if hasTransferEncoding { return .ambiguousFraming }
        guard valueEnd > valueStart else { return .invalidContentLength }
        var value: Int64 = 0
        var i = valueStart
        while i < valueEnd {
            let b = base.load(fromByteOffset: i, as: UInt8.self)
            guard ByteClass.isDigit(b) else { return .invalidContentLength }
            value = value &* 10 &+ Int64(b &- 0x30)
            i &+= 1
        }
        // 18 digits always fit in Int64 (max 9.2e18); more could wrap above.
        if valueEnd &- valueStart > 18 { return .contentLengthOverflow }
        contentLength = value
        return nil
    }

    /// `Transfer-Encoding = #transfer-coding` (RFC 9112 §6.1). Several lines
    /// form one list, in order. Each element must be a bare token, `chunked`
    /// must appear exactly once and last. Checked element by element so a bad
    /// list fails before the head is complete.
    @inlinable
    mutating func addTransferEncoding(_ base: UnsafeRawPointer, _ valueStart: Int, _ valueEnd: Int) -> HTTPParseError? {
        // RFC 9112 §6.1: a sender MUST NOT send both; as a recipient we reject
        // rather than let Transfer-Encoding win, because the upstream might not.
        if hasContentLength { return .ambiguousFraming }
        hasTransferEncoding = true
        if valueEnd == valueStart { return .emptyTransferEncoding }
        var i = valueStart
        while true {
            while i < valueEnd && ByteClass.isWhitespace(base.load(fromByteOffset: i, as: UInt8.self)) { i &+= 1 }
            let elementStart = i
            while i < valueEnd && ByteClass.isToken(base.load(fromByteOffset: i, as: UInt8.self)) { i &+= 1 }
            let elementEnd = i
            while i < valueEnd && ByteClass.isWhitespace(base.load(fromByteOffset: i, as: UInt8.self)) { i &+= 1 }
            if i < valueEnd && base.load(fromByteOffset: i, as: UInt8.self) != ASCII.comma {
                return .invalidTransferCoding
            }
            // RFC 9110 §5.6.1 tolerates empty list elements; here one could be
            // read as "nothing after chunked" by one parser and not another.
            if elementEnd == elementStart { return .emptyTransferEncoding }
            let isChunked = HeaderNames.matches(base + elementStart, elementEnd &- elementStart, "chunked")
            if hasChunked { return isChunked ? .chunkedRepeated : .chunkedNotFinal }
            if isChunked { hasChunked = true } else { hasOtherCoding = true }
            if i == valueEnd { return nil }
            i &+= 1
        }
    }

    /// Once the head is complete: Transfer-Encoding without chunked leaves the
    /// request length undeterminable (RFC 9112 §6.3 item 4) -> 400.
    @inlinable
    var transferEncodingError: HTTPParseError? {
        hasTransferEncoding && !hasChunked ? .chunkedNotFinal : nil
    }
}
