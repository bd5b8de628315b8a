import RingwayRouter
import Synchronization

/// What each worker last published about its own view of the routing state
/// (balancer figures, queues, shadows), for `/admin/state`. Workers publish
/// a few times a second from their loop, never per request, so the lock is
/// taken off the hot path; the admin thread merges the copies.
public final class WorkerStateBoard: Sendable {
    private let states = Mutex<[Int: WorkerState]>([:])

    public init() {}

    public func publish(_ state: WorkerState, worker: Int) {
        states.withLock { $0[worker] = state }
    }

    /// Every worker's latest state (possibly of an older table version).
    public var snapshot: [WorkerState] { states.withLock { Array($0.values) } }
}

/// One worker's figures for one table version. Arrays are indexed like the
/// table's `endpoints`, `pools` and `shadows`.
public struct WorkerState: Sendable {
    public var tableVersion: Int
    public var endpoints: [EndpointSnapshot]
    public var queueDepth: [Int]
    public var shadows: [ShadowFigures]
    public var openClients: Int
    public var openUpstreams: Int
}

public struct ShadowFigures: Sendable {
    public var requests: Int
    public var completed: Int
    public var failed: Int
    /// Completed answers per status class: index 1 = 1xx … 5 = 5xx.
    public var byStatusClass: [Int]
    public var latencyTotalNs: UInt64
    public var latencyMaxNs: UInt64
}

extension Worker {
    static var statePublishIntervalNs: UInt64 { 250_000_000 }

    func publishStateIfDue() {
        guard let board = settings.stateBoard, now >= nextStatePublish else { return }
        nextStatePublish = now + Self.statePublishIntervalNs
        let r = routing
        var endpoints: [EndpointSnapshot] = []
        endpoints.reserveCapacity(r.table.endpoints.count)
        for (p, pool) in r.table.pools.enumerated() {
            for member in 0..<pool.endpointRange.count { endpoints.append(r.balancers[p].snapshot(member, now: now)) }
        }
        board.publish(WorkerState(
            tableVersion: r.table.version, endpoints: endpoints, queueDepth: r.queues.map(\.count),
            shadows: r.shadowStats.map {
                ShadowFigures(requests: $0.requests, completed: $0.completed, failed: $0.failed,
                              byStatusClass: $0.byStatusClass, latencyTotalNs: $0.latencyTotalNs,
                              latencyMaxNs: $0.latencyMaxNs)
            },
            openClients: openClients, openUpstreams: openUpstreams), worker: id)
    }
}
