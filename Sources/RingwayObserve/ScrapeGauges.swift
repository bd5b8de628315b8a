/// Values that are not per worker, read by the caller at scrape time: the
/// health and breaker state live in shared atomics the router owns, the
/// config facts in the reloader.
public struct ScrapeGauges: Sendable {
    /// By endpoint index; endpoints past the end of the array are left out.
    public var endpointHealthy: [Bool]
    /// By endpoint index; true while the breaker refuses traffic (open; the
    /// caller decides whether half-open counts).
    public var breakerOpen: [Bool]
    /// A number that changes on every successful reload.
    public var configVersion: UInt64
    /// When the config in force was loaded, in nanoseconds since the Unix
    /// epoch (CLOCK_REALTIME); 0 leaves the series out.
    public var configLoadedAtUnixNanoseconds: UInt64

    public init(
        endpointHealthy: [Bool] = [], breakerOpen: [Bool] = [], configVersion: UInt64 = 0,
        configLoadedAtUnixNanoseconds: UInt64 = 0
    ) {
        self.endpointHealthy = endpointHealthy
        self.breakerOpen = breakerOpen
        self.configVersion = configVersion
        self.configLoadedAtUnixNanoseconds = configLoadedAtUnixNanoseconds
    }
}
