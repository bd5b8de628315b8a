/// Bounds applied while parsing (DESIGN.md, hot-path rule 5: bound everything).
/// A limit that is hit fails only the message concerned, with the status noted.
public struct HTTPLimits: Sendable {
    /// Whole head including the request or status line and the final CRLF -> 431.
    public var maxHeaderBytes: Int = 65536
    /// Field lines in one head -> 431.
    public var maxHeaderCount: Int = 100
    /// Length of the request-target -> 414.
    public var maxURLBytes: Int = 8192
    /// A request Content-Length above it, or a chunked body whose chunk data
    /// adds up to more -> 413.
    public var maxBodyBytes: Int64 = 64 << 20
    /// Bytes between the chunk size and the CRLF of one chunk-size line
    /// (BWS plus extensions) -> 400.
    public var maxChunkExtensionBytes: Int = 4096
    /// Trailer section of a chunked body, final CRLF included -> 431.
    public var maxTrailerBytes: Int = 16384
    /// Names a Connection header may list besides `close`/`keep-alive` and the
    /// fields that are hop-by-hop anyway -> 400 above it. Small because the
    /// writers compare every field against every listed name.
    public var maxConnectionOptions: Int = 8

    public init() {}
}
