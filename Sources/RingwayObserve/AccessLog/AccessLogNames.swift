/// The names a record's indices stand for, taken from one configuration
/// version and escaped as JSON strings once, at load. Key entries are the
/// keys' configured NAMES, never their secrets.
public final class AccessLogNames: Sendable {
    /// The routing table version these names belong to; records carry the
    /// version that routed them in `configVersion`.
    public let version: UInt64
    let models: [[UInt8]]
    let pools: [[UInt8]]
    let endpoints: [[UInt8]]
    let rules: [[UInt8]]
    let keys: [[UInt8]]

    public init(
        version: UInt64, models: [String], pools: [String], endpoints: [String], rules: [String], keys: [String]
    ) {
        self.version = version
        self.models = models.map(AccessLogJSONString.quoted)
        self.pools = pools.map(AccessLogJSONString.quoted)
        self.endpoints = endpoints.map(AccessLogJSONString.quoted)
        self.rules = rules.map(AccessLogJSONString.quoted)
        self.keys = keys.map(AccessLogJSONString.quoted)
    }

    /// Empty tables for `version`: every index is written as null.
    public static func empty(version: UInt64 = 0) -> AccessLogNames {
        AccessLogNames(version: version, models: [], pools: [], endpoints: [], rules: [], keys: [])
    }
}

/// The name tables the writer still knows, newest first. A request routed
/// before a reload can finish minutes later (a long stream), so its record
/// is resolved with the table of the version that routed it, as long as
/// that version is among the last `depth` loaded.
struct AccessLogNameHistory {
    static let depth = 8
    private(set) var tables: [AccessLogNames]

    init(_ current: AccessLogNames) { tables = [current] }

    mutating func add(_ names: AccessLogNames) {
        tables.removeAll { $0.version == names.version }
        tables.insert(names, at: 0)
        if tables.count > Self.depth { tables.removeLast(tables.count - Self.depth) }
    }

    func table(for version: UInt64) -> AccessLogNames? {
        for table in tables where table.version == version { return table }
        return nil
    }
}
