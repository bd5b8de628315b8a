/// A parsed pattern, before compilation: the tree `PatternParser` builds and
/// `PatternCompiler` turns into instructions. Built once per rule at config
/// load; never touched per request.
indirect enum PatternNode: Equatable {
    /// Matches the empty string (an empty branch: `a|`).
    case empty
    /// One byte from the set.
    case bytes(ByteSet)
    case concatenation([PatternNode])
    case alternation([PatternNode])
    /// `max` nil = unbounded.
    case repetition(PatternNode, min: Int, max: Int?)
    case assertion(PatternAssertion)
}

/// Zero-width conditions on the position.
enum PatternAssertion: Int32, Equatable {
    /// `^`: the start of the input (no multi-line mode).
    case start
    /// `$`: the end of the input.
    case end
    /// `\b`
    case wordBoundary
    /// `\B`
    case notWordBoundary
}
