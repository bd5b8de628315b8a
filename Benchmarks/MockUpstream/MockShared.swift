import Synchronization

/// What every worker of one mock process shares: the settings, the simulated
/// capacity, the stop flag, the connection counter behind `x-mock-conn`, and
/// each worker's request logs and counters (written only by their worker).
final class MockShared: Sendable {
    let settings: MockSettings
    let gate: CapacityGate
    let stopRequested = Atomic<Bool>(false)
    let connectionCounter = Atomic<Int>(0)
    let requestLogs: [RequestLog]
    let abortLogs: [RequestLog]
    let stats: [WorkerStats]

    init(settings: MockSettings) {
        self.settings = settings
        gate = CapacityGate(slots: settings.slots, queueLimit: settings.queue)
        requestLogs = (0..<settings.workers).map { RequestLog(capacity: 4096, lineBytes: 256, worker: $0) }
        abortLogs = (0..<settings.workers).map { RequestLog(capacity: 256, lineBytes: 256, worker: $0) }
        stats = (0..<settings.workers).map { _ in WorkerStats() }
    }
}

/// Counters of one worker. Only that worker writes them (a plain load and
/// store, no locked instruction); `/metrics` on any worker sums them all.
final class WorkerStats: Sendable {
    let requests = Atomic<Int>(0)
    let completions = Atomic<Int>(0)
    let promptTokens = Atomic<Int>(0)
    let generationTokens = Atomic<Int>(0)
    let rejected = Atomic<Int>(0)

    @inline(__always) func countRequest() {
        requests.store(requests.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
    }

    @inline(__always) func countCompletion(promptTokens prompt: Int, generated: Int) {
        completions.store(completions.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
        promptTokens.store(promptTokens.load(ordering: .relaxed) &+ prompt, ordering: .relaxed)
        generationTokens.store(generationTokens.load(ordering: .relaxed) &+ generated, ordering: .relaxed)
    }

    func countRejected() {
        rejected.store(rejected.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
    }
}
