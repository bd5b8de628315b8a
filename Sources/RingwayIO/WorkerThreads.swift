import Foundation
import Synchronization

/// What a worker thread runs: built on that thread, then driven until it stops.
public protocol ThreadWorker: AnyObject {
    /// How the kernel set up its ring, for the start-up log line.
    var setupDescription: String { get }
    func run()
}

/// One thread per worker. Each worker is constructed on its own thread — its
/// ring is SINGLE_ISSUER, owned by the thread that created it — and start-up
/// waits until every worker has either started or reported why it could not.
public final class WorkerThreads: Sendable {
    private let finished = DispatchGroup()
    private let outcome = Mutex<(errors: [String], setup: String)>(([], ""))

    public init(count: Int, name: String, make: @escaping @Sendable (Int) throws -> any ThreadWorker) {
        let started = DispatchSemaphore(value: 0)
        for index in 0..<count {
            finished.enter()
            let thread = Thread { [self] in
                defer { self.finished.leave() }
                let worker: any ThreadWorker
                do {
                    worker = try make(index)
                } catch {
                    self.outcome.withLock { $0.errors.append("\(error)") }
                    started.signal()
                    return
                }
                self.outcome.withLock { $0.setup = worker.setupDescription }
                started.signal()
                worker.run()
            }
            thread.name = "\(name)-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
        for _ in 0..<count { started.wait() }
    }

    /// Why workers failed to start (empty when all started).
    public var startErrors: [String] { outcome.withLock { $0.errors } }
    public var setupDescription: String { outcome.withLock { $0.setup } }

    /// Returns once every worker's `run()` has returned.
    public func waitUntilFinished() { finished.wait() }
}
