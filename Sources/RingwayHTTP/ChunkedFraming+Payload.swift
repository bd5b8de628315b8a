extension ChunkedFraming {
    /// `feed`, and the chunk-data bytes handed to `deliver` in order, without
    /// the framing: for a proxy that re-frames a body it has to read whole
    /// (model routes send it on with a Content-Length). Data runs are handed
    /// over as they lie in `bytes`; only the few framing bytes per chunk go
    /// through the byte-at-a-time checks.
    @inlinable
    public mutating func feedPayload(_ bytes: UnsafeRawBufferPointer, _ deliver: (UnsafeRawBufferPointer) -> Void) -> Step {
        guard let base = bytes.baseAddress else { return feed(bytes) }
        var i = 0
        while i < bytes.count {
            if state == .data {
                let run = Int(min(chunkRemaining, Int64(bytes.count - i)))
                deliver(UnsafeRawBufferPointer(start: base + i, count: run))
                chunkRemaining -= Int64(run)
                i += run
                if chunkRemaining == 0 { state = .dataCR }
                continue
            }
            switch feed(UnsafeRawBufferPointer(start: base + i, count: 1)) {
            case .needMore: i += 1
            case .done: return .done(consumed: i + 1)
            case .failure(let e): return .failure(e)
            }
        }
        return state == .done ? .done(consumed: bytes.count) : .needMore
    }
}
