import Synchronization

/// Set once by the signal-handling thread; every worker polls it each loop
/// turn (at most one idle sleep late) and begins draining.
public final class ShutdownSignal: Sendable {
    private let requested = Atomic<Bool>(false)
    public init() {}
    public func request() { requested.store(true, ordering: .relaxed) }
    public var isRequested: Bool { requested.load(ordering: .relaxed) }
}
