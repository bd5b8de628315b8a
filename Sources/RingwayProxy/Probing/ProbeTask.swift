import RingwayRouter

/// One periodic request to one endpoint: its health check or its metrics
/// scrape. A pool with both gives each endpoint two tasks, each on its own
/// interval.
struct ProbeTask {
    enum Kind {
        /// The tracker travels with the task, and across reloads with it.
        case health(HealthCheckConfig, HealthTracker)
        /// `failing` remembers that the last scrape failed, so the log
        /// says so once per outage rather than once per interval.
        case metrics(MetricsScrapeConfig, failing: Bool)
    }

    var kind: Kind
    let address: EndpointAddress
    let url: String
    let shared: SharedEndpointState
    /// https endpoints: how to reach them over TLS (the current table's).
    var tls: EndpointTLS?
    var dueNs: UInt64

    var path: String {
        switch kind {
        case .health(let c, _): return c.path
        case .metrics(let c, _): return c.path
        }
    }

    var timeoutMs: Int {
        switch kind {
        case .health(let c, _): return c.timeoutMs
        case .metrics(let c, _): return c.timeoutMs
        }
    }

    var intervalNs: UInt64 {
        switch kind {
        case .health(let c, _): return UInt64(max(c.intervalMs, 1)) * 1_000_000
        case .metrics(let c, _): return UInt64(max(c.intervalMs, 1)) * 1_000_000
        }
    }

    var isHealthCheck: Bool {
        if case .health = kind { return true }
        return false
    }
}
