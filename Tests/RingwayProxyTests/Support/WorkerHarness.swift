import CRingwayEngine
import RingwayIO
@testable import RingwayProxy

/// Drives a `Worker` over a `FakeBackend`: the test plays the kernel, one
/// completion at a time, and reads back what the worker submitted.
final class WorkerHarness {
    let backend = FakeBackend()
    let worker: Worker<FakeBackend>
    private var nextBid: UInt16 = 0

    init(_ configure: (inout ProxySettings) -> Void = { _ in }) {
        var settings = ProxySettings()
        configure(&settings)
        worker = Worker(id: 0, settings: settings, listenFD: -1, shutdown: ShutdownSignal(), backend: backend)
        worker.accepting = true
        worker.armAccept()
    }

    var buffers: ProvidedBuffers { backend.buffers }

    /// One completion as a loop turn of its own: dispatched, then the
    /// turn's end (clients marked for sending send).
    func dispatch(_ ud: UserData, res: Int32, flags: UInt32 = 0) {
        dispatchBatch([(ud, res, flags)])
    }

    /// Several completions harvested in one batch: one loop turn.
    func dispatchBatch(_ completions: [(ud: UserData, res: Int32, flags: UInt32)]) {
        for c in completions { worker.dispatch(Completion(user_data: c.ud.raw, res: c.res, flags: c.flags)) }
        worker.flushPendingClients()
    }

    /// Copies `text` into a fresh provided buffer; returns the completion a
    /// multishot receive of it would post (for `dispatchBatch`).
    func received(_ ud: UserData, _ text: String) -> (ud: UserData, res: Int32, flags: UInt32) {
        let bytes = Array(text.utf8)
        let bid = nextBid
        nextBid = (nextBid + 1) % UInt16(buffers.count)
        bytes.withUnsafeBytes { UnsafeMutableRawPointer(buffers.pointer(bid)).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return (ud, Int32(bytes.count), RW_CQE_F_BUFFER | RW_CQE_F_MORE | UInt32(bid) << RW_CQE_BUFFER_SHIFT)
    }

    /// A new client connection on descriptor `fd`; returns its receive's user_data.
    func accept(fd: Int32) -> UserData {
        let acceptUD = UserData(tag: OpTag.accept.rawValue, slot: 0, generation: 0)
        dispatch(acceptUD, res: fd, flags: RW_CQE_F_MORE)
        return lastRecord(.recv(fd: fd))!.ud
    }

    /// Bytes arriving on a multishot receive, in a fresh provided buffer.
    @discardableResult
    func receive(_ ud: UserData, _ text: String, more: Bool = true) -> UInt16 {
        let completion = received(ud, text)
        dispatch(ud, res: completion.res, flags: more ? completion.flags : completion.flags & ~RW_CQE_F_MORE)
        return UInt16(truncatingIfNeeded: completion.flags >> RW_CQE_BUFFER_SHIFT)
    }

    func endOfStream(_ ud: UserData) { dispatch(ud, res: 0) }

    /// Completes the operation `record` stood for with `res`.
    func complete(_ record: FakeBackend.Record, res: Int32) { dispatch(record.ud, res: res) }

    /// Completes every send recorded since `mark` in full.
    func completeSends(since mark: Int) {
        for r in backend.records(since: mark) {
            if case .send(_, let bytes) = r.op { complete(r, res: Int32(bytes.count)) }
        }
    }

    func lastRecord(_ op: FakeBackend.Op) -> FakeBackend.Record? {
        backend.records.last { $0.op == op }
    }

    /// The last record of a kind on `fd`, whatever its payload.
    func lastSend(fd: Int32) -> (record: FakeBackend.Record, text: String)? {
        for r in backend.records.reversed() {
            if case .send(let f, let bytes) = r.op, f == fd { return (r, String(decoding: bytes, as: UTF8.self)) }
        }
        return nil
    }

    func lastConnect() -> FakeBackend.Record? {
        backend.records.last { if case .connect = $0.op { return true } else { return false } }
    }

    func ops(since mark: Int) -> [FakeBackend.Op] { backend.records(since: mark).map(\.op) }

    /// Advances the worker's clock and fires due timers.
    func advance(milliseconds: UInt64) {
        worker.now += milliseconds * 1_000_000
        worker.sweepTimers()
        worker.flushPendingClients()
    }
}
