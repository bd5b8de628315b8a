import Synchronization

/// What every worker knows about one endpoint beyond its own traffic: the
/// background prober's verdicts and the server's own load figures. Written
/// by the prober thread, read by workers on every routing decision, so each
/// field is one relaxed atomic (a stale value by a scrape interval is fine).
public final class SharedEndpointState: Sendable {
    /// False once active health checks failed `unhealthy_after` times in a
    /// row; true again after `healthy_after` successes. True when unchecked.
    let healthyFlag = Atomic<Bool>(true)
    /// Scraped `vllm:num_requests_waiting` (SGLang: `sglang:num_queue_reqs`).
    let waitingCount = Atomic<Int>(0)
    /// Scraped `vllm:num_requests_running` (SGLang: `sglang:num_running_reqs`).
    let runningCount = Atomic<Int>(0)
    /// Scraped KV-cache usage in parts per million (0...1_000_000).
    let kvCacheUsagePPM = Atomic<Int>(0)
    /// Monotonic ns of the last successful scrape; 0 = never (load unknown).
    let scrapedAtNs = Atomic<UInt64>(0)

    public init() {}

    public var isHealthy: Bool { healthyFlag.load(ordering: .relaxed) }
    public var waiting: Int { waitingCount.load(ordering: .relaxed) }
    public var running: Int { runningCount.load(ordering: .relaxed) }
    public var kvCacheUsage: Double { Double(kvCacheUsagePPM.load(ordering: .relaxed)) / 1_000_000 }
    public var lastScrapeNs: UInt64 { scrapedAtNs.load(ordering: .relaxed) }
    /// Load figures exist and are fresh enough to steer by.
    public func hasLoad(now: UInt64, maxAgeNs: UInt64) -> Bool {
        let at = lastScrapeNs
        return at != 0 && now &- at <= maxAgeNs
    }

    public func setHealthy(_ healthy: Bool) { healthyFlag.store(healthy, ordering: .relaxed) }

    public func recordLoad(waiting: Int, running: Int, kvCacheUsage: Double, at now: UInt64) {
        waitingCount.store(max(0, waiting), ordering: .relaxed)
        runningCount.store(max(0, running), ordering: .relaxed)
        kvCacheUsagePPM.store(Int((min(max(kvCacheUsage, 0), 1) * 1_000_000).rounded()), ordering: .relaxed)
        scrapedAtNs.store(now, ordering: .relaxed)
    }
}
