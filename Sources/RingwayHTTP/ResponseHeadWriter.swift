/// Serializes the head Ringway sends its client for a parsed upstream response.
///
///     "HTTP/1.1" SP status SP reason CRLF   (standard reason if upstream sent none)
///     upstream fields minus hop-by-hop, in order
///     [Connection: close]                   when closeAfter
///     extra header lines                    verbatim, each ending in CRLF
///     CRLF
///
/// Dropped: Connection, Keep-Alive, Proxy-Connection, TE, Upgrade and every
/// field the upstream's Connection listed (RFC 9110 §7.6.1). Content-Length
/// and Transfer-Encoding are kept, since the body is relayed with the framing
/// the upstream chose (including on HEAD and 304 responses, where they describe
/// the representation), except on 1xx and 204 responses, which must not carry
/// them (RFC 9110 §8.6, RFC 9112 §6.1).
///
/// A response delimited by close reaches an HTTP/1.1 client as is; the proxy
/// passes `closeAfter: true` and closes when the upstream does.
public enum ResponseHeadWriter {
    @inlinable
    public static func write(
        _ head: borrowing ResponseHead, source: UnsafeRawBufferPointer, closeAfter: Bool,
        extraHeaderLines: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer
    ) -> Int? {
        guard let src = source.baseAddress, head.status >= 100, head.status <= 999 else { return nil }
        var w = ByteWriter(out)
        w.append("HTTP/1.1 ")
        w.appendDecimal(Int64(head.status))
        w.append(byte: ASCII.space)
        if head.reason.isEmpty {
            w.append(HTTPStatusReason.phrase(head.status))
        } else {
            w.append(head.reason, of: src)
        }
        w.appendCRLF()

        let forbidsFraming = head.status < 200 || head.status == 204
        head.headers.withUnsafeBufferPointer { fields in
            for field in fields {
                switch field.kind {
                case .connection, .keepAlive, .proxyConnection, .te, .upgrade, .listedInConnection:
                    continue
                case .contentLength, .transferEncoding:
                    if forbidsFraming { continue }
                    w.appendField(field, of: src)
                default:
                    w.appendField(field, of: src)
                }
            }
        }
        if closeAfter { w.append("Connection: close\r\n") }
        w.append(extraHeaderLines)
        w.appendCRLF()
        return w.result
    }
}
