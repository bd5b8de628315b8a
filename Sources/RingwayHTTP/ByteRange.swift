/// A half-open range `[start, end)` of byte offsets into the buffer that was parsed.
///
/// Offsets rather than pointers: a parsed head stays meaningful when the caller
/// re-bases its buffer, and two `Int32`s keep a `HeaderField` small, so a
/// 100-field head lives in about 2 KiB of array storage reused per connection.
/// Heads are bounded by `HTTPLimits.maxHeaderBytes`, far below `Int32.max`.
public struct ByteRange: Hashable, Sendable {
    public var start: Int32
    public var end: Int32

    @inlinable
    public init(start: Int, end: Int) {
        // Callers pass offsets inside a buffer bounded by the head limits; the
        // truncating conversion avoids a trap check on the hot path.
        self.start = Int32(truncatingIfNeeded: start)
        self.end = Int32(truncatingIfNeeded: end)
    }

    @inlinable
    public var count: Int { Int(end &- start) }

    @inlinable
    public var isEmpty: Bool { end == start }

    /// The bytes this range names inside `source`, the buffer that was parsed.
    @inlinable
    public func bytes(in source: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: source[Int(start)..<Int(end)])
    }
}
