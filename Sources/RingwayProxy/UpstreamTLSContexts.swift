import Glibc
import RingwayIO
import RingwayRouter
import Synchronization

/// The TLS client contexts of every pool with https endpoints, shared by the
/// workers, the prober and reloads.
///
/// Building a context loads the system trust store (milliseconds), so it is
/// done once per distinct `tls` setting, not per worker or per reload: a
/// context also carries the resumption cache, which then survives reloads. A
/// CA file that changed on disk (size, mtime or inode) is loaded again.
/// Looked up only when a table is adopted, never per connection.
public final class UpstreamTLSContexts: Sendable {
    private struct Key: Hashable {
        var caFile: String
        var verify: Bool
    }

    private struct Entry {
        var context: TLSClientContext
        var stamp: FileStamp?
    }

    private let cache = Mutex<[Key: Entry]>([:])

    public init() {}

    /// The context for one pool's settings (cached).
    public func context(for tls: PoolTLSConfig) -> Result<TLSClientContext, TLSError> {
        let key = Key(caFile: tls.caFile ?? "", verify: !tls.insecureSkipVerify)
        let stamp = tls.caFile.flatMap(FileStamp.init(path:))
        return cache.withLock { entries in
            if let entry = entries[key], entry.stamp == stamp { return .success(entry.context) }
            do throws(TLSError) {
                let context = try TLSClientContext(caFile: tls.caFile, verifyPeer: key.verify)
                entries[key] = Entry(context: context, stamp: stamp)
                return .success(context)
            } catch {
                return .failure(error)
            }
        }
    }

    /// One context (or its failure) per pool of `table`; nil for a pool
    /// without https endpoints.
    public func contexts(for table: RoutingTable) -> [Result<TLSClientContext, TLSError>?] {
        table.pools.map { pool in pool.tls.map { context(for: $0) } }
    }

    /// Every pool whose TLS context cannot be built, as
    /// `pools.NAME.tls.ca_file: reason` lines; empty when all can.
    public func problems(in table: RoutingTable) -> [String] {
        var lines: [String] = []
        for (pool, result) in zip(table.pools, contexts(for: table)) {
            if case .failure(let error) = result {
                let field = pool.tls?.caFile == nil ? "tls" : "tls.ca_file"
                lines.append("pools.\(pool.name).\(field): \(error.message)")
            }
        }
        return lines
    }
}

/// Identifies one version of a file on disk.
private struct FileStamp: Equatable {
    var inode: UInt64
    var size: Int64
    var modifiedSeconds: Int
    var modifiedNanoseconds: Int

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modifiedSeconds = Int(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
    }
}
