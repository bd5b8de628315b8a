import RingwayRouter

/// The prober's state between loop turns, confined to the prober thread:
/// the schedule for the current table and the table version it was built
/// from. Each call does one small step so the thread can check for `stop()`
/// between any two probes.
struct ProbeRunner {
    let source: RoutingTableSource
    let clock: @Sendable () -> UInt64
    let log: @Sendable (String) -> Void
    let client: ProbeHTTPClient
    let tlsContexts: UpstreamTLSContexts?
    private(set) var schedule: ProbeSchedule?
    private var builtVersion = Int.min
    private var random = SystemRandomNumberGenerator()

    init(source: RoutingTableSource, clock: @escaping @Sendable () -> UInt64,
         log: @escaping @Sendable (String) -> Void, client: ProbeHTTPClient, tlsContexts: UpstreamTLSContexts? = nil) {
        self.source = source
        self.tlsContexts = tlsContexts
        self.clock = clock
        self.log = log
        self.client = client
    }

    /// Rebuilds the schedule when a reload published a new table (one atomic
    /// load when nothing changed).
    mutating func refreshIfReloaded() {
        let version = source.version
        guard version != builtVersion else { return }
        builtVersion = version
        let next = ProbeSchedule(table: source.table, previous: schedule, now: clock(), random: &random,
                                 tlsContexts: tlsContexts)
        // An endpoint no longer health-checked is healthy by definition
        // (SharedEndpointState's contract); without this a verdict of "down"
        // would outlive the check that made it.
        let stillChecked = next.healthChecked
        for task in schedule?.tasks ?? [] where task.isHealthCheck && !stillChecked.contains(ObjectIdentifier(task.shared)) {
            if !task.shared.isHealthy {
                task.shared.setHealthy(true)
                log("endpoint \(task.url) no longer health-checked; counted healthy")
            }
        }
        schedule = next
    }

    /// Runs the most overdue probe, if one is due; false when none is.
    mutating func runDueProbe() -> Bool {
        guard let index = schedule?.dueTask(at: clock()), let task = schedule?.tasks[index] else { return false }
        let kind: ProbeTask.Kind
        switch task.kind {
        case .health(let check, let tracker):
            kind = .health(check, checkHealth(task, check, tracker))
        case .metrics(let scrape, let failing):
            kind = .metrics(scrape, failing: scrapeMetrics(task, scrape, failing: failing))
        }
        schedule!.finish(index, kind: kind, finishedAt: clock(), random: &random)
        return true
    }

    /// How long the thread may sleep before the next probe is due.
    func idleNs() -> UInt64 {
        guard let due = schedule?.nextDueNs else { return .max }
        let now = clock()
        return due > now ? due - now : 0
    }
}
