/// An inference server's own load figures, from its `/metrics`.
public struct ServerLoad: Sendable, Equatable {
    /// Requests queued, not yet scheduled.
    public var waiting: Int
    /// Requests in the running batch.
    public var running: Int
    /// KV-cache usage, 0...1.
    public var kvCacheUsage: Double

    public init(waiting: Int, running: Int, kvCacheUsage: Double) {
        self.waiting = waiting
        self.running = running
        self.kvCacheUsage = kvCacheUsage
    }
}
