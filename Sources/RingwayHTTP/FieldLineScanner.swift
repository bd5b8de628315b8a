/// Scans one line of a head's field section (RFC 9112 §5):
///
///     field-line = field-name ":" OWS field-value OWS CRLF
///
/// Shared by the request and response parsers. It validates every byte it
/// passes, so a head that is still arriving fails as soon as an illegal byte
/// is in the buffer, not only once its line is complete.
@usableFromInline
enum FieldLineScanner {
    @usableFromInline
    enum Line {
        /// A field line starting at the scanned offset. The name ends at
        /// `nameEnd`; the value (OWS trimmed) is `valueStart..<valueEnd`; the
        /// next line starts at `next`.
        case field(nameEnd: Int, valueStart: Int, valueEnd: Int, next: Int)
        /// The empty line that ends the head; the body starts at `next`.
        case endOfHead(next: Int)
        case incomplete
        case failure(HTTPParseError)
    }

    @inlinable
    static func scan(_ base: UnsafeRawPointer, from start: Int, end: Int) -> Line {
        guard start < end else { return .incomplete }
        let first = base.load(fromByteOffset: start, as: UInt8.self)
        if first == ASCII.cr {
            guard start &+ 1 < end else { return .incomplete }
            return base.load(fromByteOffset: start &+ 1, as: UInt8.self) == ASCII.lf
                ? .endOfHead(next: start &+ 2) : .failure(.bareCR)
        }
        if first == ASCII.lf { return .failure(.bareLF) }
        // RFC 9112 §5.2: obs-fold is rejected with 400 rather than unfolded; a
        // proxy that unfolds and one that does not would see different fields.
        // This also covers whitespace between the start-line and the first
        // field (§2.2), which would otherwise hide a field from some parsers.
        if ByteClass.isWhitespace(first) { return .failure(.obsFold) }

        var i = ByteScan.tokenEnd(base, from: start, end: end)
        guard i < end else { return .incomplete }
        let nameEnd = i
        let stop = base.load(fromByteOffset: i, as: UInt8.self)
        if stop != ASCII.colon {
            // RFC 9112 §5.1: a server MUST reject whitespace between the name
            // and the colon (the classic way to hide Transfer-Encoding).
            if ByteClass.isWhitespace(stop) { return .failure(.whitespaceBeforeColon) }
            if stop == ASCII.cr || stop == ASCII.lf { return .failure(.missingColon) }
            return .failure(.invalidFieldNameByte)
        }
        if nameEnd == start { return .failure(.emptyFieldName) }
        i &+= 1

        while i < end && ByteClass.isWhitespace(base.load(fromByteOffset: i, as: UInt8.self)) { i &+= 1 }
        let valueStart = i
        while true {
            i = ByteScan.firstControl(base, from: i, end: end)
            guard i < end else { return .incomplete }
            let b = base.load(fromByteOffset: i, as: UInt8.self)
            if b == ASCII.htab { i &+= 1; continue }
            if b == ASCII.cr {
                guard i &+ 1 < end else { return .incomplete }
                guard base.load(fromByteOffset: i &+ 1, as: UInt8.self) == ASCII.lf else { return .failure(.bareCR) }
                var valueEnd = i
                while valueEnd > valueStart
                    && ByteClass.isWhitespace(base.load(fromByteOffset: valueEnd &- 1, as: UInt8.self)) {
                    valueEnd &-= 1
                }
                return .field(nameEnd: nameEnd, valueStart: valueStart, valueEnd: valueEnd, next: i &+ 2)
            }
            // RFC 9112 §2.2 lets a recipient accept a bare LF as a line end; we
            // do not, because an upstream that disagrees would see another head.
            if b == ASCII.lf { return .failure(.bareLF) }
            // RFC 9110 §5.5: NUL, other CTLs and DEL are invalid in a value.
            return .failure(b == 0 ? .nulInFieldValue : .controlInFieldValue)
        }
    }
}
