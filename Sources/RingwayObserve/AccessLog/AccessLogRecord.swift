/// One request as the worker saw it, filled on the hot path and copied into
/// the worker's `AccessLogRing`. Fixed layout and no references: copying it
/// is a memcpy with no retain, and the ring's slots never need deinit.
///
/// Names are small indices into the configuration that routed the request
/// (`configVersion` says which); the writer turns them into names. There is
/// no field for a prompt, a completion or an API key, so none can leak into
/// the log.
public struct AccessLogRecord: BitwiseCopyable, Sendable {
    /// Marks an index, token count or duration the request did not have.
    public static var none: Int32 { -1 }

    /// Wall clock (CLOCK_REALTIME) in ns since the Unix epoch when the
    /// request head arrived.
    public var timestampNs: UInt64 = 0
    /// The routing table version whose indices this record uses.
    public var configVersion: UInt64 = 0
    public var bytesIn: UInt64 = 0
    public var bytesOut: UInt64 = 0
    /// Time to the first streamed token; 0 when not streamed or none came.
    public var ttftNs: UInt64 = 0
    public var totalNs: UInt64 = 0
    /// Time spent in the proxy itself (total minus upstream time).
    public var overheadNs: UInt64 = 0
    /// W3C trace id (16 bytes as two big-endian halves) and this hop's span
    /// id; all zero when the request was not traced.
    public var traceIDHigh: UInt64 = 0
    public var traceIDLow: UInt64 = 0
    public var spanID: UInt64 = 0
    /// Index of the API key's NAME in the configuration; `none` for an
    /// anonymous request.
    public var keyIndex: Int32 = none
    public var modelServed: Int32 = none
    public var pool: Int32 = none
    public var endpoint: Int32 = none
    public var rule: Int32 = none
    /// From the upstream's `usage`; `none` when it reported none.
    public var promptTokens: Int32 = none
    public var completionTokens: Int32 = none
    public var status: UInt16 = 0
    /// Upstream attempts made (retries and fallbacks included).
    public var attempts: UInt8 = 0
    public var reason: AccessLogRoutingReason = .catalog
    public var stream: Bool = false
    @usableFromInline var requestIDCount: UInt8 = 0
    @usableFromInline var modelAskedCount: UInt8 = 0
    @usableFromInline var requestIDBytes = InlineArray<64, UInt8>(repeating: 0)
    @usableFromInline var modelAskedBytes = InlineArray<128, UInt8>(repeating: 0)

    public static var requestIDCapacity: Int { 64 }
    public static var modelAskedCapacity: Int { 128 }

    @inlinable
    public init() {}

    /// The request id as received or generated; longer ids keep their first
    /// 64 bytes.
    @inlinable
    public mutating func setRequestID(_ bytes: UnsafeRawBufferPointer) {
        let n = min(bytes.count, Self.requestIDCapacity)
        withUnsafeMutableBytes(of: &requestIDBytes) { out in
            if n > 0 { out.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: n) }
        }
        requestIDCount = UInt8(truncatingIfNeeded: n)
    }

    /// The model as the client wrote it. Longer names keep their first 128
    /// bytes, cut before any UTF-8 sequence the cut would split, so a
    /// truncated name does not end in a replacement character.
    @inlinable
    public mutating func setModelAsked(_ bytes: UnsafeRawBufferPointer) {
        var n = bytes.count
        if n > Self.modelAskedCapacity {
            n = Self.modelAskedCapacity
            // Back off over continuation bytes (10xxxxxx) to the lead byte
            // of the sequence that straddles the cut, and drop it too.
            var k = n
            while k > n &- 4 && k > 0 && bytes[k] & 0xC0 == 0x80 { k &-= 1 }
            if bytes[k] & 0xC0 == 0x80 { k = n }  // not UTF-8 anyway: cut at the limit
            n = k
        }
        withUnsafeMutableBytes(of: &modelAskedBytes) { out in
            if n > 0 { out.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: n) }
        }
        modelAskedCount = UInt8(truncatingIfNeeded: n)
    }

    /// Calls `body` with the stored request id bytes.
    @inlinable
    public func withRequestID<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: requestIDBytes) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<Int(requestIDCount)])) }
    }

    /// Calls `body` with the stored model bytes.
    @inlinable
    public func withModelAsked<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: modelAskedBytes) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<Int(modelAskedCount)])) }
    }
}
