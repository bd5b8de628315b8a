/// Where a request's trace context comes from: its `traceparent` field, found
/// among the parsed field lines. The head parser classifies only the fields
/// framing needs, so this compares names itself: a length check rejects
/// almost every field before a byte is compared.
public enum TraceContextField {
    /// The value of the request's only `traceparent` field (any case), or nil
    /// when it has none or several. Several cannot all name the parent, so
    /// the request starts a new trace (W3C Trace Context §3.2: a field that
    /// cannot be parsed restarts the trace).
    @inlinable
    public static func find(in headers: [HeaderField], source: UnsafeRawBufferPointer) -> ByteRange? {
        var found: ByteRange?
        for field in headers where field.name.count == 11 && isTraceparent(field.name, in: source) {
            if found != nil { return nil }
            found = field.value
        }
        return found
    }

    /// The context to send upstream: a child of the client's context when
    /// its `traceparent` is valid (`continued`), else a new trace.
    @inlinable
    public static func outgoing(
        headers: [HeaderField], source: UnsafeRawBufferPointer, random: inout UInt64
    ) -> (context: TraceContext, continued: Bool) {
        if let range = find(in: headers, source: source), let received = TraceContext.parse(range.bytes(in: source)) {
            return (received.child(random: &random), true)
        }
        return (TraceContext.fresh(random: &random), false)
    }

    @inlinable
    static func isTraceparent(_ name: ByteRange, in source: UnsafeRawBufferPointer) -> Bool {
        let expected: StaticString = "traceparent"
        return expected.withUTF8Buffer { lower in
            var i = 0
            while i < 11 {
                if ByteClass.lowercased(source[Int(name.start) &+ i]) != lower[i] { return false }
                i &+= 1
            }
            return true
        }
    }
}
