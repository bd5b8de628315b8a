/// Why a pattern did not compile, and where: `offset` counts bytes of the
/// pattern's UTF-8 from 0 (the same as characters for ASCII patterns).
public struct BytePatternError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// "unbalanced ')' at 7"
    public var description: String { "\(reason) at \(offset)" }
}
