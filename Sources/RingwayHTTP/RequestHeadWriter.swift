/// Serializes the head Ringway sends upstream for a parsed client request.
///
///     METHOD SP target SP "HTTP/1.1" CRLF
///     [Host: <override>]                    when the context supplies one
///     client fields, minus the dropped ones, in order, values OWS-trimmed
///     X-Forwarded-For: <client's list, ">, <client address>
///     X-Forwarded-Proto: http|https
///     [X-Request-ID: <generated>]           only if the client sent none
///     CRLF
///
/// Dropped: Connection, Keep-Alive, Proxy-Connection, TE and Upgrade (RFC 9110
/// §7.6.1: connection-specific, and Ringway does not tunnel upgrades); every
/// field the Connection header listed; Expect (the proxy answers 100-continue
/// itself, so the upstream must not wait for a second one); the client's
/// X-Forwarded-For and X-Forwarded-Proto (re-emitted as above).
/// Kept: Content-Length and Transfer-Encoding (the body is relayed with its
/// framing unchanged) unless the context re-frames the body, Trailer
/// (end-to-end, RFC 9110 §6.6.2), everything else but the fields the context
/// removes by name; its extra field lines follow the client's.
/// An HTTP/1.0 request goes out as HTTP/1.0 too: an HTTP/1.0 client cannot
/// read a chunked response (RFC 9112 §6.1), and an upstream answering an
/// HTTP/1.0 request will not send one. The proxy does not reuse that upstream
/// connection afterwards.
public enum RequestHeadWriter {
    /// Returns the bytes written to `out`, or nil when the head does not fit.
    /// `source` is the buffer `head` was parsed from.
    @inlinable
    public static func write(
        _ head: borrowing RequestHead, source: UnsafeRawBufferPointer,
        context: ForwardingContext, into out: UnsafeMutableRawBufferPointer
    ) -> Int? {
        guard let src = source.baseAddress else { return nil }
        var w = ByteWriter(out)
        w.append(head.method, of: src)
        w.append(byte: ASCII.space)
        w.append(head.target, of: src)
        w.append(head.isHTTP11 ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n")

        let replacesHost = context.hostOverride.count > 0
        let reframes = context.bodyLength >= 0
        let removesFields = context.removedFieldNames.count > 0
        if replacesHost {
            // RFC 9110 §7.2: a user agent SHOULD send Host first; keep that.
            w.append("Host: ")
            w.append(context.hostOverride)
            w.appendCRLF()
        }

        head.headers.withUnsafeBufferPointer { fields in
            for field in fields {
                switch field.kind {
                case .connection, .keepAlive, .proxyConnection, .te, .upgrade, .listedInConnection,
                     .expect, .xForwardedFor, .xForwardedProto:
                    continue
                case .host where replacesHost:
                    continue
                case .contentLength where reframes, .transferEncoding where reframes:
                    continue
                default:
                    if removesFields && context.removes(field.name, of: src) { continue }
                    w.appendField(field, of: src)
                }
            }
            if reframes {
                w.append("Content-Length: ")
                w.appendDecimal(context.bodyLength)
                w.appendCRLF()
            }
            w.append(context.extraFieldLines)
            w.append(context.traceLine)

            // The client's X-Forwarded-For lines form one list (RFC 9110 §5.3);
            // send it as one line, then this hop's client.
            w.append("X-Forwarded-For: ")
            if head.forwardedForCount > 0 {
                for field in fields where field.kind == .xForwardedFor && !field.value.isEmpty {
                    w.append(field.value, of: src)
                    w.append(", ")
                }
            }
        }
        w.append(context.clientAddress)
        w.appendCRLF()

        w.append("X-Forwarded-Proto: ")
        w.append(context.proto.bytes)
        w.appendCRLF()

        if head.requestID == nil && context.requestID.count > 0 {
            w.append("X-Request-ID: ")
            w.append(context.requestID)
            w.appendCRLF()
        }
        w.appendCRLF()
        return w.result
    }
}
