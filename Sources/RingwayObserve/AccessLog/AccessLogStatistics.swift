/// The writer's counters, for `/admin/state` and metrics.
public struct AccessLogStatistics: Sendable, Equatable {
    /// Lines handed to the kernel.
    public var linesWritten: UInt64 = 0
    /// Records skipped by sampling.
    public var sampledOut: UInt64 = 0
    /// Records dropped by workers because their ring was full.
    public var dropped: UInt64 = 0
    /// Lines lost because a write failed.
    public var linesLost: UInt64 = 0
    public var bytesWritten: UInt64 = 0
    public var writeErrors: UInt64 = 0
    public var reopens: UInt64 = 0
    /// The most recent write or reopen failure.
    public var lastError: String?

    public init() {}
}
