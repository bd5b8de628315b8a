/// A TLS failure with the message the C layer rendered from OpenSSL's error
/// queue, e.g. "certificate verify failed: self-signed certificate (host
/// localhost)". Built only on the error path; the hot path never allocates.
public struct TLSError: Error, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
