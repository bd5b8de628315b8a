import CRingwayEngine
import Foundation
import Glibc
import RingwayIO

/// A running mock: listeners bound, one worker thread per ring. Used by
/// `ringway-bench upstream` and, in-process, by tests.
public final class MockUpstreamServer: @unchecked Sendable {
    public let host: String
    public let port: UInt16
    public let unixPath: String?
    /// How the kernel set up the rings, for the start-up log line.
    public let ringSetup: String
    let shared: MockShared
    private let workers: WorkerThreads
    private let listeners: [Int32]
    private let stopLock = NSLock()
    private var stopped = false

    /// `mock listening on HOST:PORT`, the fixture's readiness line.
    public var readinessLine: String { "mock listening on \(host):\(port)" }

    /// Binds (port 0: the first listener picks the port, the others share it
    /// through SO_REUSEPORT) and starts the workers.
    public static func start(_ settings: MockSettings) throws(MockStartError) -> MockUpstreamServer {
        let tcpListeners: [Int32]
        let port: UInt16
        switch ReusePortListeners.open(host: settings.host, port: settings.port, count: settings.workers) {
        case .success(let bound): (tcpListeners, port) = bound
        case .failure(let error): throw MockStartError(error.description)
        }
        let unixFD = settings.unixPath.map { listenUnix($0) } ?? -1
        if let path = settings.unixPath {
            guard unixFD >= 0 else {
                tcpListeners.forEach { rw_close_now($0) }
                throw MockStartError("cannot listen on unix:\(path): \(String(cString: strerror(-unixFD)))")
            }
        }
        let shared = MockShared(settings: settings)
        let workers = WorkerThreads(count: tcpListeners.count, name: "mock-upstream") { index in
            try MockWorker(index: index, shared: shared,
                           listeners: unixFD >= 0 ? [tcpListeners[index], unixFD] : [tcpListeners[index]])
        }
        let server = MockUpstreamServer(
            host: settings.host, port: port, unixPath: settings.unixPath, ringSetup: workers.setupDescription,
            shared: shared, workers: workers, listeners: unixFD >= 0 ? tcpListeners + [unixFD] : tcpListeners)
        if let error = workers.startErrors.first {
            server.stop()
            throw MockStartError("cannot start the io_uring engine: \(error)")
        }
        return server
    }

    private init(host: String, port: UInt16, unixPath: String?, ringSetup: String, shared: MockShared,
                 workers: WorkerThreads, listeners: [Int32]) {
        self.host = host
        self.port = port
        self.unixPath = unixPath
        self.ringSetup = ringSetup
        self.shared = shared
        self.workers = workers
        self.listeners = listeners
    }

    /// Stops every worker (each notices within one idle wait, 50 ms), closes
    /// the listeners and removes the Unix socket. Idempotent.
    public func stop() {
        let first = stopLock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shared.stopRequested.store(true, ordering: .relaxed)
        workers.waitUntilFinished()
        listeners.forEach { rw_close_now($0) }
        if let unixPath { unlink(unixPath) }
    }

    deinit { stop() }

    /// A Unix stream listener at `path` (an old socket file there is replaced).
    static func listenUnix(_ path: String) -> Int32 {
        var address = rw_address()
        guard rw_address_unix(path, &address) == 0 else { return -ENAMETOOLONG }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return -errno }
        unlink(path)
        let ok = withUnsafePointer(to: &address.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, address.length) == 0 }
        }
        guard ok, listen(fd, 4096) == 0 else {
            let e = errno
            close(fd)
            return -e
        }
        return fd
    }
}

/// The mock could not start (address in use, io_uring unavailable, …).
public struct MockStartError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
