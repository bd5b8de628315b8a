import RingwayRouter

/// Which probe runs next, for one routing table. Pure bookkeeping over a
/// clock value passed in, so tests drive it without sockets or sleeps.
///
/// Intervals are jittered by ±10% on every reschedule: probes to many
/// endpoints that start together (a reload, a restart) drift apart instead
/// of hitting every server in the same millisecond forever.
struct ProbeSchedule {
    private(set) var tasks: [ProbeTask] = []

    /// The schedule for `table`. A task whose endpoint keeps its `shared`
    /// object (the table compiler reuses it for an unchanged URL) and its
    /// probe settings keeps its due time and health streak from `previous`,
    /// so a reload neither forgets a verdict nor re-probes everything at once.
    /// `tlsContexts` gives https endpoints their pool's TLS context.
    init(table: RoutingTable, previous: ProbeSchedule?, now: UInt64, random: inout some RandomNumberGenerator,
         tlsContexts: UpstreamTLSContexts? = nil) {
        var carried: [CarryKey: ProbeTask] = [:]
        for task in previous?.tasks ?? [] { carried[CarryKey(task)] = task }

        for pool in table.pools where pool.healthCheck != nil || pool.metrics != nil {
            let context = pool.tls.flatMap { tlsContexts?.context(for: $0) }
            for endpoint in table.endpoints[pool.endpointRange] {
                var port: UInt16 = 443
                if case .https(_, let p) = endpoint.address { port = p }
                let tls = endpoint.tlsServerName.flatMap { name in
                    context.map { EndpointTLS(context: $0, serverName: name, port: port) }
                }
                if let check = pool.healthCheck {
                    let fresh = ProbeTask.Kind.health(
                        check, HealthTracker(check, initiallyHealthy: endpoint.shared.isHealthy))
                    tasks.append(Self.task(fresh, endpoint, tls, carried, now: now, random: &random))
                }
                if let scrape = pool.metrics {
                    tasks.append(Self.task(.metrics(scrape, failing: false), endpoint, tls, carried, now: now,
                                           random: &random))
                }
            }
        }
    }

    private static func task(
        _ kind: ProbeTask.Kind, _ endpoint: EndpointEntry, _ tls: EndpointTLS?, _ carried: [CarryKey: ProbeTask],
        now: UInt64, random: inout some RandomNumberGenerator
    ) -> ProbeTask {
        var task = ProbeTask(kind: kind, address: endpoint.address, url: endpoint.url, shared: endpoint.shared, tls: tls,
                             dueNs: 0)
        if var old = carried[CarryKey(task)], old.address == task.address, sameSettings(old.kind, kind) {
            // The streak and due time carry over; the TLS context is the
            // new table's (its CA file may have changed).
            old.tls = tls
            return old
        }
        // New: first probe soon, spread over a tenth of the interval.
        task.dueNs = now &+ UInt64.random(in: 0...task.intervalNs / 10, using: &random)
        return task
    }

    private static func sameSettings(_ a: ProbeTask.Kind, _ b: ProbeTask.Kind) -> Bool {
        switch (a, b) {
        case (.health(let x, _), .health(let y, _)): return x == y
        case (.metrics(let x, _), .metrics(let y, _)): return x == y
        default: return false
        }
    }

    /// The endpoints this schedule health-checks, by identity.
    var healthChecked: Set<ObjectIdentifier> {
        Set(tasks.lazy.filter(\.isHealthCheck).map { ObjectIdentifier($0.shared) })
    }

    /// The earliest due time, nil when nothing is probed.
    var nextDueNs: UInt64? { tasks.lazy.map(\.dueNs).min() }

    /// The most overdue task at `now`, if any is due.
    func dueTask(at now: UInt64) -> Int? {
        var best: Int?
        for i in tasks.indices where tasks[i].dueNs <= now {
            if best == nil || tasks[i].dueNs < tasks[best!].dueNs { best = i }
        }
        return best
    }

    /// Stores the task's updated state and books its next run one jittered
    /// interval after `finishedAt`, counted from the end of the probe so a
    /// slow endpoint is not probed back to back.
    mutating func finish(_ index: Int, kind: ProbeTask.Kind, finishedAt: UInt64, random: inout some RandomNumberGenerator) {
        tasks[index].kind = kind
        let interval = tasks[index].intervalNs
        let jitter = interval / 10
        tasks[index].dueNs = finishedAt &+ (interval - jitter) &+ UInt64.random(in: 0...2 * jitter, using: &random)
    }
}

/// Identity of a task across tables: the endpoint's shared state object and
/// what kind of probe it is.
private struct CarryKey: Hashable {
    let shared: ObjectIdentifier
    let isHealthCheck: Bool

    init(_ task: ProbeTask) {
        shared = ObjectIdentifier(task.shared)
        isHealthCheck = task.isHealthCheck
    }
}
