/// Changes to a held request body, kept as byte ranges and replacements: the
/// body goes upstream as the held runs between edits plus each replacement,
/// never as a rewritten copy. At most two edits happen to a request (the
/// model name, and `stream_options` for usage counting), so they are stored
/// inline and cost no allocation.
///
///     held:   [ 0 ..< a ][ a ..< b ][ b ..< c ][ c ..< d ][ d ..< total ]
///     sent:   [ run     ][ first   ][ run     ][ second  ][ run         ]
///
/// An insertion is an edit with an empty range.
public struct BodyEdits {
    public struct Edit {
        public var range: Range<Int64>
        public var bytes: UnsafeRawBufferPointer
        public init(range: Range<Int64>, bytes: UnsafeRawBufferPointer) {
            self.range = range
            self.bytes = bytes
        }
    }

    public private(set) var first: Edit?
    public private(set) var second: Edit?

    public init() {}

    public var isEmpty: Bool { first == nil }

    /// Adds an edit that does not overlap the others; order of calls does
    /// not matter.
    public mutating func add(_ edit: Edit) {
        guard let existing = first else {
            first = edit
            return
        }
        precondition(second == nil, "BodyEdits holds two edits")
        precondition(edit.range.upperBound <= existing.range.lowerBound
                         || edit.range.lowerBound >= existing.range.upperBound,
                     "overlapping body edits")
        if edit.range.lowerBound < existing.range.lowerBound
            || edit.range.lowerBound == existing.range.lowerBound && edit.range.isEmpty
        {
            first = edit
            second = existing
        } else {
            second = edit
        }
    }

    /// The length of the body once edited.
    public func editedLength(of total: Int64) -> Int64 {
        var length = total
        if let first { length += Int64(first.bytes.count) - Int64(first.range.count) }
        if let second { length += Int64(second.bytes.count) - Int64(second.range.count) }
        return length
    }

    /// The edited body in order: `held` for each non-empty run of the
    /// original body, `replacement` for each non-empty edit.
    public func forEachPiece(total: Int64, held: (Range<Int64>) -> Void,
                             replacement: (UnsafeRawBufferPointer) -> Void) {
        var at: Int64 = 0
        func apply(_ edit: Edit) {
            if edit.range.lowerBound > at { held(at..<edit.range.lowerBound) }
            if edit.bytes.count > 0 { replacement(edit.bytes) }
            at = edit.range.upperBound
        }
        if let first { apply(first) }
        if let second { apply(second) }
        if total > at { held(at..<total) }
    }
}
