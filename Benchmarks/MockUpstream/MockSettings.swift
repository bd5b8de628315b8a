/// Process-wide settings of `ringway-bench upstream`: where to listen, and
/// the defaults that the `x-mock-*` request headers override.
public struct MockSettings: Sendable {
    public var host = "127.0.0.1"
    /// 0 = an ephemeral port, reported on the readiness line.
    public var port: UInt16 = 0
    /// Also serve on this Unix socket path.
    public var unixPath: String?
    public var workers = 1
    public var tokens = 8
    public var ttftMicroseconds: UInt64 = 0
    public var itlMicroseconds: UInt64 = 0
    /// Concurrent generations; 0 = unlimited.
    public var slots = 0
    /// Requests that may wait for a slot; nil = unlimited (as in vLLM).
    public var queue: Int?
    /// Status of a request refused because slots and queue are full: 429 or 503.
    public var overloadStatus = 429
    /// Prompt tokens (estimated as body bytes / 4) above which a generation
    /// is refused with vLLM's 400 `context_length_exceeded`; 0 = no limit.
    public var contextWindow = 0
    /// The model reported when a request names none, and by `/v1/models`.
    public var model = "mock-model"
    /// Provided receive buffers per worker (16 KiB each); tests use fewer.
    public var receiveBuffers = 1024

    public init() {}
}

/// A command-line mistake: one line on stderr, exit status 2.
public struct MockUsageError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
