/// Joins the chunk-data of a chunked body (RFC 9112 §7.1) whose framing
/// `ChunkedFraming` has already validated, so this pass only has to find
/// each size line and copy the data after it; extensions and trailers are
/// skipped as the RFC allows a recipient to.
enum ChunkedBodyDecoding {
    /// `raw` holds exactly the framed body: chunks, last-chunk, trailers, CRLF.
    static func decode(_ raw: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var i = raw.startIndex
        while i < raw.endIndex {
            var size = 0
            while i < raw.endIndex, let digit = hexValue(raw[i]) {
                size = size << 4 | digit
                i += 1
            }
            // Past any extension to the end of the size line.
            while i < raw.endIndex && raw[i] != 0x0A { i += 1 }
            i += 1
            if size == 0 { break }
            let end = min(i + size, raw.endIndex)
            out.append(contentsOf: raw[i..<end])
            i = end + 2  // the CRLF after chunk-data
        }
        return out
    }

    private static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case 0x30...0x39: return Int(b - 0x30)
        case 0x41...0x46: return Int(b - 0x41 + 10)
        case 0x61...0x66: return Int(b - 0x61 + 10)
        default: return nil
        }
    }
}
