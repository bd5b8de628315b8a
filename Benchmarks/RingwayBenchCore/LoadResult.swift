/// What a load run measured. Only requests whose intended send time fell inside the
/// measured phase (after warm-up) are counted.
public struct LoadResult: Sendable {
    /// Intended send time → complete 2xx response.
    public var latency = LatencyHistogram()
    /// Intended send time → first body byte, for `text/event-stream` responses.
    public var timeToFirstByte = LatencyHistogram()
    /// Per SSE event: our CLOCK_REALTIME receive time − its `mock_sent_ns`.
    public var chunkDelay = LatencyHistogram()
    /// Open loop: intended send time → actual send, i.e. how late the generator (or
    /// a wait for a free connection) was. Large values mean the client, not the
    /// server, is the bottleneck.
    public var sendLag = LatencyHistogram()
    /// Requests that came due in the measured phase.
    public var scheduled = 0
    /// Of those, requests written to a connection.
    public var sent = 0
    /// Of those, complete 2xx responses.
    public var completed = 0
    public var errors = LoadErrorCounts()
    /// Measured phase: from its start to the later of its end and the last measured response.
    public var measuredSeconds: Double = 0
    /// The whole run, connection set-up and drain included.
    public var wallSeconds: Double = 0

    public init() {}

    /// Completed 2xx responses per second of measured phase.
    public var achievedRate: Double { measuredSeconds > 0 ? Double(completed) / measuredSeconds : 0 }
}
