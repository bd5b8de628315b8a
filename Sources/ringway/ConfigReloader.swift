import Foundation
import RingwayProxy
import RingwayRouter
import Synchronization

/// Loads the config file into routing tables: at start, on SIGHUP and on
/// `POST /admin/reload`. A file that fails validation, resolution or
/// compilation is refused whole and the running table stays.
final class ConfigReloader: Sendable {
    let path: String
    let source: RoutingTableSource
    /// The https pools' TLS contexts, shared with the workers and the prober.
    let tlsContexts: UpstreamTLSContexts
    /// Serializes reloads (the signal loop and the admin thread).
    private let lock = Mutex<Int>(0)
    private let reloadHook = Mutex<(@Sendable (RoutingTable) -> Void)?>(nil)

    /// Called with each table a reload publishes (the access log's names).
    var onReload: (@Sendable (RoutingTable) -> Void)? {
        get { reloadHook.withLock { $0 } }
        set { reloadHook.withLock { $0 = newValue } }
    }

    private init(path: String, source: RoutingTableSource, tlsContexts: UpstreamTLSContexts) {
        self.path = path
        self.source = source
        self.tlsContexts = tlsContexts
    }

    static func start(path: String, tlsContexts: UpstreamTLSContexts) -> Result<ConfigReloader, ConfigLoadFailure> {
        switch build(path: path, version: 1, previous: nil, tlsContexts: tlsContexts) {
        case .success(let table):
            return .success(ConfigReloader(path: path, source: RoutingTableSource(table), tlsContexts: tlsContexts))
        case .failure(let f): return .failure(f)
        }
    }

    /// Loads the file again; on success workers switch to the new table
    /// between requests and in-flight exchanges finish on the old one.
    func reload() -> Result<RoutingTable, ConfigLoadFailure> {
        lock.withLock { _ in
            let current = source.table
            let result = Self.build(path: path, version: current.version + 1, previous: current, tlsContexts: tlsContexts)
            if case .success(let table) = result {
                source.publish(table)
                onReload?(table)
            }
            return result
        }
    }

    private static func build(path: String, version: Int, previous: RoutingTable?, tlsContexts: UpstreamTLSContexts)
        -> Result<RoutingTable, ConfigLoadFailure>
    {
        let config: RouterConfig
        switch RouterConfig.load(path: path, environment: ProcessInfo.processInfo.environment) {
        case .success(let c): config = c
        case .failure(let errors):
            return .failure(ConfigLoadFailure(lines: errors.errors.map { $0.formatted(file: path) }))
        }
        let resolved: RouterConfig
        switch EndpointResolver.resolve(config) {
        case .success(let r): resolved = r
        case .failure(let f): return .failure(f)
        }
        let table: RoutingTable
        do {
            table = try RoutingTable.compile(
                resolved, version: version, loadedAt: Date().timeIntervalSince1970, previous: previous)
        } catch {
            return .failure(ConfigLoadFailure(lines: ["\(path): \(error.description)"]))
        }
        // A CA file OpenSSL cannot load refuses the file here, not per connection.
        let problems = tlsContexts.problems(in: table)
        guard problems.isEmpty else { return .failure(ConfigLoadFailure(lines: problems.map { "\(path): \($0)" })) }
        return .success(table)
    }
}

/// Why a config could not become the routing table, one line per problem.
struct ConfigLoadFailure: Error {
    var lines: [String]
    var summary: String { lines.joined(separator: "\n") }
}
