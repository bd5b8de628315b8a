import RingwayIO

/// The production worker: the proxy over the io_uring backend.
///
/// Instantiated here, inside the module, so the optimiser specialises the
/// generic `Worker` for `CompletionBackend`: every backend call in the hot
/// path is then a direct (mostly inlined) call, not a witness-table call.
public final class UringWorker: ThreadWorker {
    private let worker: Worker<CompletionBackend>

    /// Creates the worker's ring; call on the thread that will run it.
    public init(id: Int, settings: ProxySettings, listenFD: Int32, shutdown: ShutdownSignal) throws(BackendError) {
        let backend = try CompletionBackend(config: settings.backend)
        worker = Worker(id: id, settings: settings, listenFD: listenFD, shutdown: shutdown, backend: backend)
    }

    public var setupDescription: String { worker.setupDescription }

    public func run() { worker.run() }
}
