/// Everything one load run needs, fixed before it starts.
public struct LoadPlan: Sendable {
    public enum Mode: Equatable, Sendable {
        /// Requests are due at fixed times (uniform or Poisson) whatever the server does;
        /// latency counts from the due time.
        case openLoop(ratePerSecond: Double, poisson: Bool, seed: UInt64)
        /// Each connection sends its next request as soon as the previous response
        /// completes: the server's saturation throughput.
        case closedLoop
    }

    public var host: String
    public var port: UInt16
    /// One complete HTTP/1.1 request (head and body), sent verbatim on keep-alive connections.
    public var request: [UInt8]
    public var connections: Int
    /// Measured phase length, in seconds.
    public var duration: Double
    /// Unmeasured phase before it (connections warm, caches filled), in seconds.
    public var warmup: Double
    public var mode: Mode
    /// A request with no complete response this long after it was sent fails as `timeout`.
    public var timeout: Double
    /// Open loop: due requests that may wait for an idle connection; more fail as `backlog`.
    public var backlogLimit: Int
    /// Never sleep in epoll_wait: sends leave within ~0.1 µs of their intended time
    /// and responses are read without a wake-up (~25 µs each on a VM), at the price
    /// of the whole pinned CPU. Use when the generator has a core to itself.
    public var busyPoll: Bool

    public init(
        host: String, port: UInt16, request: [UInt8], connections: Int, duration: Double,
        warmup: Double = 0, mode: Mode, timeout: Double = 10, backlogLimit: Int? = nil, busyPoll: Bool = false
    ) {
        self.host = host
        self.port = port
        self.request = request
        self.connections = connections
        self.duration = duration
        self.warmup = warmup
        self.mode = mode
        self.timeout = timeout
        self.backlogLimit = backlogLimit ?? Self.defaultBacklogLimit(for: mode)
        self.busyPoll = busyPoll
    }

    /// One second of offered load (at least 1024) may queue before requests are shed.
    public static func defaultBacklogLimit(for mode: Mode) -> Int {
        guard case .openLoop(let rate, _, _) = mode else { return 0 }
        return max(1024, Int(rate.rounded(.up)))
    }
}
