/// W3C Trace Context (Recommendation, Level 1) `traceparent`, version 00:
///
///     00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
///     ^^ ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ^^^^^^^^^^^^^^^^ ^^
///     |  trace-id (16 bytes)              parent-id (8)    flags
///     version                     offsets: 0, 3, 36, 53; 55 bytes in all
///
/// The proxy is one hop of the trace: it reads the client's context, draws a
/// new parent-id (its own span id) and sends the child context upstream.
/// `tracestate` needs nothing here: the spec lets a hop that adds no entry
/// forward it unchanged, which the request writer already does for every
/// field it does not know.
public struct TraceContext: Sendable, Equatable {
    /// The trace id's first (most significant) 8 bytes.
    public var traceIDHigh: UInt64
    /// The trace id's last 8 bytes.
    public var traceIDLow: UInt64
    /// The span id of the sender's hop: the client's when parsed, ours in a
    /// child.
    public var parentID: UInt64
    public var flags: UInt8

    /// Length of a version-00 value.
    public static var valueLength: Int { 55 }
    /// `traceparent: <value>\r\n`.
    public static var headerLineLength: Int { 70 }

    /// The `sampled` flag (§3.2.2.5.1): the caller may have recorded its span.
    public static var sampledFlag: UInt8 { 0x01 }

    @inlinable
    public init(traceIDHigh: UInt64, traceIDLow: UInt64, parentID: UInt64, flags: UInt8) {
        self.traceIDHigh = traceIDHigh
        self.traceIDLow = traceIDLow
        self.parentID = parentID
        self.flags = flags
    }

    @inlinable
    public var isSampled: Bool { flags & Self.sampledFlag != 0 }

    /// A client's `traceparent` value (already trimmed of OWS by the head
    /// parser), or nil when it is not valid and the trace must restart.
    ///
    /// Version 00 must be exactly 55 bytes. A higher version is read by its
    /// first four fields (§3.2.4): at least 55 bytes, and anything after the
    /// flags must start with `-`; only the sampled bit of its flags is kept,
    /// since the meaning of the others is that version's and we send 00.
    /// Version `ff` is invalid (§3.2.2.2). Hex is lowercase only and neither
    /// id may be all zero.
    @inlinable
    public static func parse(_ value: UnsafeRawBufferPointer) -> TraceContext? {
        guard value.count >= 55, let version = TraceContextHex.decode(value, at: 0, count: 2), version != 0xFF else {
            return nil
        }
        if version == 0 {
            guard value.count == 55 else { return nil }
        } else if value.count > 55 && value[55] != UInt8(ascii: "-") {
            return nil
        }
        let dash = UInt8(ascii: "-")
        guard value[2] == dash, value[35] == dash, value[52] == dash,
              let high = TraceContextHex.decode(value, at: 3, count: 16),
              let low = TraceContextHex.decode(value, at: 19, count: 16),
              let parent = TraceContextHex.decode(value, at: 36, count: 16),
              let flags = TraceContextHex.decode(value, at: 53, count: 2),
              high | low != 0, parent != 0
        else { return nil }
        let kept = version == 0 ? UInt8(truncatingIfNeeded: flags) : UInt8(truncatingIfNeeded: flags) & sampledFlag
        return TraceContext(traceIDHigh: high, traceIDLow: low, parentID: parent, flags: kept)
    }

    /// A new trace rooted at this hop, for a request that came without a
    /// valid `traceparent`. Flags default to 00: the proxy records no spans of
    /// its own, so it does not claim the trace was sampled.
    @inlinable
    public static func fresh(random: inout UInt64, flags: UInt8 = 0) -> TraceContext {
        var high = TraceContextRandom.next(&random)
        var low = TraceContextRandom.next(&random)
        while high | low == 0 {
            high = TraceContextRandom.next(&random)
            low = TraceContextRandom.next(&random)
        }
        return TraceContext(
            traceIDHigh: high, traceIDLow: low, parentID: TraceContextRandom.nextNonZero(&random), flags: flags)
    }

    /// The context to send upstream: same trace and flags, a new parent-id
    /// naming this hop (§3.2.2.4: each hop sends its own span id).
    @inlinable
    public func child(random: inout UInt64) -> TraceContext {
        var next = self
        next.parentID = TraceContextRandom.nextNonZero(&random)
        while next.parentID == parentID { next.parentID = TraceContextRandom.nextNonZero(&random) }
        return next
    }

    /// Writes the 55-byte version-00 value; nil if `out` is shorter.
    @inlinable
    public func write(into out: UnsafeMutableRawBufferPointer) -> Int? {
        guard out.count >= 55, let at = out.baseAddress else { return nil }
        writeValue(at: at)
        return 55
    }

    /// Writes `traceparent: <value>\r\n` (70 bytes) for the upstream request's
    /// extra field lines; nil if `out` is shorter.
    @inlinable
    public func writeHeaderLine(into out: UnsafeMutableRawBufferPointer) -> Int? {
        guard out.count >= 70, let at = out.baseAddress else { return nil }
        let name: StaticString = "traceparent: "
        name.withUTF8Buffer { at.copyMemory(from: $0.baseAddress!, byteCount: 13) }
        writeValue(at: at + 13)
        at.storeBytes(of: ASCII.cr, toByteOffset: 68, as: UInt8.self)
        at.storeBytes(of: ASCII.lf, toByteOffset: 69, as: UInt8.self)
        return 70
    }

    @inlinable
    func writeValue(at: UnsafeMutableRawPointer) {
        let dash = UInt8(ascii: "-")
        at.storeBytes(of: 0x30, as: UInt8.self)
        at.storeBytes(of: 0x30, toByteOffset: 1, as: UInt8.self)
        at.storeBytes(of: dash, toByteOffset: 2, as: UInt8.self)
        TraceContextHex.encode(traceIDHigh, count: 16, at: at + 3)
        TraceContextHex.encode(traceIDLow, count: 16, at: at + 19)
        at.storeBytes(of: dash, toByteOffset: 35, as: UInt8.self)
        TraceContextHex.encode(parentID, count: 16, at: at + 36)
        at.storeBytes(of: dash, toByteOffset: 52, as: UInt8.self)
        TraceContextHex.encode(UInt64(flags), count: 2, at: at + 53)
    }
}
