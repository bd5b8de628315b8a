import CRingwayEngine
import RingwayHTTP
import RingwayIO
import RingwayObserve
import RingwayRouter

/// Where requests go. A Unix socket beats loopback TCP when the sidecar sits
/// beside its inference server (vLLM's `--uds`).
public enum UpstreamTarget: Sendable, Equatable {
    case tcp(host: String, port: UInt16)
    /// `https://`: `host` is numeric (resolved at start), `serverName` is
    /// what the URL said, sent as SNI and verified.
    case tls(host: String, port: UInt16, serverName: String)
    case unix(path: String)
}

/// Everything a worker needs, fixed at start-up and shared read-only.
public struct ProxySettings: Sendable {
    public var listenHost = "127.0.0.1"
    public var listenPort: UInt16 = 8080
    public var upstream = UpstreamTarget.tcp(host: "127.0.0.1", port: 8000)
    public var workers = 1
    public var backend = BackendConfig()
    public var limits = HTTPLimits()

    // Client side.
    public var maxClientConnectionsPerWorker = 65536
    public var headerTimeoutMs: UInt64 = 10_000
    public var keepAliveTimeoutMs: UInt64 = 75_000
    /// How long a closing connection keeps reading (and discarding) after its
    /// last response, so unread request bytes do not turn the close into a
    /// reset that destroys the error response in flight.
    public var lingerMs: UInt64 = 1_000

    // Upstream side.
    public var poolMaxPerWorker = 4096
    public var connectTimeoutMs: UInt64 = 3_000
    /// From the request being sent to the first response byte: reasoning
    /// models may think for minutes before answering.
    public var firstByteTimeoutMs: UInt64 = 600_000
    public var upstreamIdleTimeoutMs: UInt64 = 30_000
    /// Sidecar mode with an https upstream: `--upstream-ca-file`,
    /// `--upstream-insecure`.
    public var upstreamTLS = PoolTLSConfig()
    /// TLS contexts of https pools, shared by workers (and the prober).
    public var tlsContexts = UpstreamTLSContexts()

    // Streams.
    public var streamIdleTimeoutMs: UInt64 = 300_000
    public var streamTotalTimeoutMs: UInt64 = 0
    public var ssePingMs: UInt64 = 0

    // Backpressure: stop reading a side once this many bytes wait to be sent
    // to the other; resume below a quarter of it.
    public var highWatermarkBytes = 256 * 1024

    // Routing. Without a table source the worker routes everything to
    // `upstream` (sidecar mode).
    public var tables: RoutingTableSource?
    /// Where workers publish their routing figures for `/admin/state`.
    public var stateBoard: WorkerStateBoard?
    /// Where workers record metrics (router mode).
    public var metrics: MetricsBoard?
    /// One access-log ring per worker (by worker id); nil = no access log.
    public var accessLogRings: [AccessLogRing]?
    /// Model routes keep the whole body (inspection, retries); larger -> 413.
    public var maxInspectedBodyBytes: Int64 = 32 << 20

    public var drainTimeoutMs: UInt64 = 30_000
    /// Spin this long for completions before sleeping (0 = never spin).
    public var busyPollMicroseconds: UInt64 = 0
    /// While a request sent upstream awaits the first bytes of its answer's
    /// body, poll rather than sleep for up to this long after the send
    /// (0 = always sleep). See `Worker.spinForAnswers`.
    public var answerSpinMicroseconds: UInt64 = 200

    public init() {}
}
