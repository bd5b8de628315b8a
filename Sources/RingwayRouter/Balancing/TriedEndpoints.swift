/// The endpoints one request has already tried, so a retry goes elsewhere.
///
/// Inline in the request's state, no heap: a retry budget is a handful of
/// attempts (`retry.max_attempts`, default 3), and a set on the heap would
/// cost an allocation per request. `contains` runs for every endpoint a
/// pick looks at, so it must cost next to nothing when the answer is no:
/// a 64-bit summary (bit `index % 64` per member) answers almost every
/// miss with one AND, and only a summary hit scans the (at most 8) members.
/// A vector compare over the members looked cheaper on paper but measured
/// ~30 cycles per call in Swift 6.3 (the mask is reduced lane by lane
/// through the stack).
public struct TriedEndpoints: Sendable, Equatable {
    public static let capacity = 8

    private var members = SIMD8<Int32>(repeating: -1)
    private var summary: UInt64 = 0
    public private(set) var count = 0

    public init() {}

    /// Adds `endpoint`; false when the set is full (the ninth distinct index
    /// is dropped: a request has given up long before that).
    @discardableResult
    public mutating func insert(_ endpoint: Int) -> Bool {
        if contains(endpoint) { return true }
        guard count < Self.capacity, endpoint >= 0 else { return false }
        members[count] = Int32(truncatingIfNeeded: endpoint)
        summary |= 1 << UInt64(endpoint & 63)
        count &+= 1
        return true
    }

    @inline(__always)
    public func contains(_ endpoint: Int) -> Bool {
        guard summary & (1 << UInt64(endpoint & 63)) != 0, endpoint >= 0 else { return false }
        let wanted = Int32(truncatingIfNeeded: endpoint)
        for index in 0..<count where members[index] == wanted { return true }
        return false
    }

    public var isEmpty: Bool { count == 0 }
}
