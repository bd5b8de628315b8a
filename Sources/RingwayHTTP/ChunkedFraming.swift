/// Tracks where a chunked body ends and checks its framing (RFC 9112 §7.1),
/// so the proxy can relay the body byte for byte without re-chunking:
///
///     chunked-body   = *chunk last-chunk trailer-section CRLF
///     chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
///     chunk-size     = 1*HEXDIG
///     last-chunk     = 1*("0") [ chunk-ext ] CRLF
///     chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
///     trailer-section = *( field-line CRLF )
///
/// A byte-at-a-time state machine (chunk data is skipped in one step), so a
/// slice may end anywhere: inside the size, the extensions, a CRLF or a
/// trailer field.
///
/// Decisions, all on the strict side:
/// - chunk-size has at most 15 hex digits (leading zeros count), so it always
///   fits in Int64; more -> 400.
/// - BWS after the size is accepted only when a ';' follows (the grammar puts
///   BWS before ';'); "5 \r\n" -> 400, since parsers disagree on it.
/// - Extensions are bounded and must be free of CTLs; their inner grammar is
///   not checked: Ringway ignores them (RFC 9112 §7.1.1) and relays them as is.
/// - Trailer fields follow the head's field-line rules (no obs-fold, no
///   whitespace before ':', no CTLs); the section is bounded -> 431.
public struct ChunkedFraming: Sendable {
    public enum Step: Equatable, Sendable {
        /// Every byte of the slice belongs to this body; feed the next one.
        case needMore
        /// The body ends after `consumed` bytes of this slice; later bytes
        /// belong to the next message.
        case done(consumed: Int)
        case failure(HTTPParseError)
    }

    @usableFromInline
    enum State: UInt8, Sendable {
        case size, sizeWhitespace, extensions, sizeLF
        case data, dataCR, dataLF
        case trailerLineStart, trailerName, trailerValue, trailerLF, finalLF
        case done, failed
    }

    @usableFromInline var state: State = .size
    /// The size being read, then the chunk-data bytes still to come.
    @usableFromInline var chunkRemaining: Int64 = 0
    @usableFromInline var sizeDigits = 0
    @usableFromInline var extensionBytes = 0
    @usableFromInline var trailerBytes = 0
    @usableFromInline var bodyBytesSeen: Int64 = 0
    @usableFromInline var error: HTTPParseError?
    @usableFromInline let maxBodyBytes: Int64
    @usableFromInline let maxExtensionBytes: Int
    @usableFromInline let maxTrailerBytes: Int

    public init(limits: HTTPLimits) {
        maxBodyBytes = limits.maxBodyBytes
        maxExtensionBytes = limits.maxChunkExtensionBytes
        maxTrailerBytes = limits.maxTrailerBytes
    }

    /// Chunk-data bytes announced so far (counted when a chunk's size line
    /// completes, so the limit fails before the data arrives).
    @inlinable
    public var bodyBytes: Int64 { bodyBytesSeen }

    /// The last-chunk, trailers and final CRLF have been seen.
    @inlinable
    public var isComplete: Bool { state == .done }

    /// Ready for the next message's body, same limits.
    @inlinable
    public mutating func reset() {
        state = .size
        chunkRemaining = 0
        sizeDigits = 0
        extensionBytes = 0
        trailerBytes = 0
        bodyBytesSeen = 0
        error = nil
    }

    @inlinable
    mutating func fail(_ e: HTTPParseError) -> Step {
        state = .failed
        error = e
        return .failure(e)
    }

    /// Feeds the next slice of the body. After `.done` further calls return
    /// `.done(consumed: 0)`; after a failure they return the same failure.
    @inlinable
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> Step {
        if state == .done { return .done(consumed: 0) }
        if state == .failed, let error { return .failure(error) }
        guard let base = bytes.baseAddress else { return .needMore }
        let n = bytes.count
        var i = 0
        while i < n {
            if state == .data {
                let available = Int64(n &- i)
                if chunkRemaining > available {
                    chunkRemaining &-= available
                    return .needMore
                }
                i &+= Int(chunkRemaining)
                chunkRemaining = 0
                state = .dataCR
                continue
            }
            let b = base.load(fromByteOffset: i, as: UInt8.self)
            i &+= 1
            switch state {
            case .size:
                if let digit = ByteClass.hexValue(b) {
                    sizeDigits &+= 1
                    if sizeDigits > 15 { return fail(.chunkSizeOverflow) }
                    chunkRemaining = chunkRemaining << 4 | Int64(digit)
                } else if sizeDigits == 0 {
                    return fail(b == ASCII.lf ? .bareLF : .invalidChunkSize)
                } else if b == ASCII.cr {
                    state = .sizeLF
                } else if b == ASCII.semicolon {
                    state = .extensions
                } else if ByteClass.isWhitespace(b) {
                    extensionBytes &+= 1
                    state = .sizeWhitespace
                } else {
                    return fail(b == ASCII.lf ? .bareLF : .invalidChunkSize)
                }

            case .sizeWhitespace:
                if b == ASCII.semicolon {
                    state = .extensions
                } else if ByteClass.isWhitespace(b) {
                    extensionBytes &+= 1
                    if extensionBytes > maxExtensionBytes { return fail(.chunkExtensionTooLong) }
                } else {
                    return fail(b == ASCII.lf ? .bareLF : .whitespaceAfterChunkSize)
                }

            case .extensions:
                if b == ASCII.cr {
                    state = .sizeLF
                } else if b == ASCII.lf {
                    return fail(.bareLF)
                } else if !ByteClass.isFieldValueByte(b) {
                    return fail(.invalidChunkExtension)
                } else {
                    extensionBytes &+= 1
                    if extensionBytes > maxExtensionBytes { return fail(.chunkExtensionTooLong) }
                }

            case .sizeLF:
                guard b == ASCII.lf else { return fail(.bareCR) }
                sizeDigits = 0
                extensionBytes = 0
                if chunkRemaining == 0 {
                    state = .trailerLineStart
                } else {
                    bodyBytesSeen &+= chunkRemaining
                    if bodyBytesSeen > maxBodyBytes { return fail(.chunkedBodyTooLarge) }
                    state = .data
                }

            case .dataCR:
                // RFC 9112 §7.1: chunk-data is followed by CRLF; any other byte
                // means the size lied, which is exactly a smuggling attempt.
                guard b == ASCII.cr else { return fail(.missingChunkDataCRLF) }
                state = .dataLF

            case .dataLF:
                guard b == ASCII.lf else { return fail(.missingChunkDataCRLF) }
                state = .size

            case .trailerLineStart, .trailerName, .trailerValue, .trailerLF, .finalLF:
                trailerBytes &+= 1
                if trailerBytes > maxTrailerBytes { return fail(.trailersTooLarge) }
                if let step = trailerByte(b, consumed: i) { return step }

            case .data, .done, .failed:
                break  // handled above
            }
        }
        return .needMore
    }

    /// One byte of the trailer section; returns a step when the body ends or fails.
    @inlinable
    mutating func trailerByte(_ b: UInt8, consumed: Int) -> Step? {
        switch state {
        case .trailerLineStart:
            if b == ASCII.cr { state = .finalLF; return nil }
            if b == ASCII.lf { return fail(.bareLF) }
            if ByteClass.isWhitespace(b) { return fail(.obsFold) }
            if b == ASCII.colon { return fail(.emptyFieldName) }
            guard ByteClass.isToken(b) else { return fail(.invalidFieldNameByte) }
            state = .trailerName
        case .trailerName:
            if ByteClass.isToken(b) { return nil }
            if b == ASCII.colon { state = .trailerValue; return nil }
            if ByteClass.isWhitespace(b) { return fail(.whitespaceBeforeColon) }
            if b == ASCII.cr || b == ASCII.lf { return fail(.missingColon) }
            return fail(.invalidFieldNameByte)
        case .trailerValue:
            if b == ASCII.cr { state = .trailerLF; return nil }
            if b == ASCII.lf { return fail(.bareLF) }
            if ByteClass.isFieldValueByte(b) { return nil }
            return fail(b == 0 ? .nulInFieldValue : .controlInFieldValue)
        case .trailerLF:
            guard b == ASCII.lf else { return fail(.bareCR) }
            state = .trailerLineStart
        case .finalLF:
            guard b == ASCII.lf else { return fail(.bareCR) }
            state = .done
            return .done(consumed: consumed)
        default:
            break
        }
        return nil
    }
}
