/// What the request writer adds about the client, as bytes owned by the
/// caller and valid for the duration of the `write` call. The writer does not
/// validate them: the proxy produces them itself (an address it formatted, an
/// id it generated), so they must already be legal field values.
public struct ForwardingContext {
    /// The scheme the client used, for X-Forwarded-Proto.
    public enum Proto: Sendable {
        case http
        case https

        @inlinable
        var bytes: StaticString {
            switch self {
            case .http: return "http"
            case .https: return "https"
            }
        }
    }

    /// The client's IP address as text ("203.0.113.7", "2001:db8::1", no
    /// brackets or port), appended to X-Forwarded-For.
    public var clientAddress: UnsafeRawBufferPointer
    public var proto: Proto
    /// A generated request id, sent as X-Request-ID only when the client sent
    /// none. Empty: add nothing.
    public var requestID: UnsafeRawBufferPointer
    /// Empty: forward the client's Host as it is. Otherwise the upstream gets
    /// `Host: <hostOverride>` as its first field and the client's Host is
    /// dropped. Pass the upstream's authority here when the upstream needs it
    /// (virtual-hosted APIs), and for the authority of an absolute-form
    /// target (RFC 9112 §3.2.2).
    public var hostOverride: UnsafeRawBufferPointer
    /// -1: the body goes upstream with the client's framing. Otherwise the
    /// proxy re-frames it (a spliced model name, a de-chunked body): the
    /// client's Content-Length and Transfer-Encoding are dropped and
    /// `Content-Length: <bodyLength>` is written instead.
    public var bodyLength: Int64
    /// Client fields dropped by name: a packed list of lowercase names, each
    /// preceded by its length in one byte (`RemovedFieldNames` builds it).
    /// The pool's own credentials replace the client's this way.
    public var removedFieldNames: UnsafeRawBufferPointer
    /// Complete field lines ("name: value\r\n"...) appended after the
    /// client's fields, already validated by whoever rendered them.
    public var extraFieldLines: UnsafeRawBufferPointer
    /// The `traceparent: …\r\n` line for this hop (the client's own field
    /// is removed by name), or empty.
    public var traceLine: UnsafeRawBufferPointer

    @inlinable
    public init(
        clientAddress: UnsafeRawBufferPointer,
        proto: Proto,
        requestID: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        hostOverride: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        bodyLength: Int64 = -1,
        removedFieldNames: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        extraFieldLines: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        traceLine: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    ) {
        self.clientAddress = clientAddress
        self.proto = proto
        self.requestID = requestID
        self.hostOverride = hostOverride
        self.bodyLength = bodyLength
        self.removedFieldNames = removedFieldNames
        self.extraFieldLines = extraFieldLines
        self.traceLine = traceLine
    }

    /// Whether the client's field named `name` (any case) is in
    /// `removedFieldNames`.
    @inlinable
    func removes(_ name: ByteRange, of source: UnsafeRawPointer) -> Bool {
        var i = 0
        let list = removedFieldNames
        while i < list.count {
            let n = Int(list[i])
            if n == name.count {
                var same = true
                for k in 0..<n where ByteClass.lowercased(source.load(fromByteOffset: Int(name.start) + k, as: UInt8.self))
                    != list[i + 1 + k] {
                    same = false
                    break
                }
                if same { return true }
            }
            i += 1 + n
        }
        return false
    }
}

/// Packs lowercase field names for `ForwardingContext.removedFieldNames`.
public enum RemovedFieldNames {
    public static func pack(_ names: [String]) -> [UInt8] {
        var out: [UInt8] = []
        for name in names {
            let bytes = Array(name.lowercased().utf8.prefix(255))
            out.append(UInt8(bytes.count))
            out.append(contentsOf: bytes)
        }
        return out
    }
}
