import Synchronization

/// Where workers get the current table. A reload publishes a new one; each
/// worker notices the version change on its next loop turn (one relaxed
/// atomic load) and only then takes the lock, so the hot path never does.
public final class RoutingTableSource: Sendable {
    private let current: Mutex<RoutingTable>
    private let publishedVersion: Atomic<Int>

    public init(_ table: RoutingTable) {
        current = Mutex(table)
        publishedVersion = Atomic(table.version)
    }

    public var version: Int { publishedVersion.load(ordering: .acquiring) }

    public var table: RoutingTable { current.withLock { $0 } }

    public func publish(_ table: RoutingTable) {
        current.withLock { $0 = table }
        publishedVersion.store(table.version, ordering: .releasing)
    }
}
