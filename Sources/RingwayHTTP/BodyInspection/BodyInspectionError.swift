/// Why a request body was rejected, and where.
///
/// Reasons are `StaticString`s so that failing never allocates; every error
/// the inspector can return is listed in `BodyInspectionError+Catalog.swift`.
/// Errors about a configurable limit carry the limit separately, because a
/// `StaticString` cannot hold a number chosen at run time: `message` joins
/// them ("model name longer than 256 bytes").
public struct BodyInspectionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Byte offset in the body of the first byte that made it unacceptable
    /// (for a duplicate key or an over-long model name: the start of that
    /// token).
    public var offset: Int64
    public var reason: StaticString
    /// True when the body is not valid JSON at all; false when it is JSON the
    /// proxy refuses (not an object, a duplicate key, a limit).
    public var isSyntaxError: Bool
    /// The limit that was exceeded, 0 when the error is not about a limit.
    public var limit: Int
    /// What `limit` counts ("bytes", "levels"); empty when `limit` is 0.
    public var limitUnit: StaticString

    public init(offset: Int64, reason: StaticString, isSyntaxError: Bool, limit: Int = 0, limitUnit: StaticString = "") {
        self.offset = offset
        self.reason = reason
        self.isSyntaxError = isSyntaxError
        self.limit = limit
        self.limitUnit = limitUnit
    }

    /// The reason as a sentence, with the limit filled in.
    public var message: String {
        limit == 0 ? "\(reason)" : "\(reason) \(limit) \(limitUnit)"
    }

    public var description: String {
        (isSyntaxError ? "invalid JSON at byte \(offset): " : "invalid request body at byte \(offset): ") + message
    }

    public static func == (lhs: BodyInspectionError, rhs: BodyInspectionError) -> Bool {
        lhs.offset == rhs.offset && lhs.isSyntaxError == rhs.isSyntaxError && lhs.limit == rhs.limit
            && staticStringsEqual(lhs.reason, rhs.reason) && staticStringsEqual(lhs.limitUnit, rhs.limitUnit)
    }
}
