/// Why a message was rejected: the status to answer with, a sentence a human can
/// act on, and a stable snake_case code for logs, metrics and the error body.
///
/// Messages and codes are `StaticString`s so that building an error never
/// allocates; every error a parser can return is listed in
/// `HTTPParseError+Catalog.swift`.
public struct HTTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 400, 413, 414, 417, 431, 501 or 505 for requests. Errors on upstream
    /// responses carry the same values; the proxy answers those with 502.
    public var status: Int
    public var message: StaticString
    public var code: StaticString

    @inlinable
    public init(status: Int, message: StaticString, code: StaticString) {
        self.status = status
        self.message = message
        self.code = code
    }

    public static func == (lhs: HTTPParseError, rhs: HTTPParseError) -> Bool {
        lhs.status == rhs.status
            && staticStringsEqual(lhs.code, rhs.code)
            && staticStringsEqual(lhs.message, rhs.message)
    }

    public var description: String {
        "\(status) \(code): \(message)"
    }
}

/// StaticString is not Equatable; compare the UTF-8 bytes.
@usableFromInline
func staticStringsEqual(_ a: StaticString, _ b: StaticString) -> Bool {
    a.withUTF8Buffer { x in
        b.withUTF8Buffer { y in
            x.count == y.count && x.elementsEqual(y)
        }
    }
}
