import RingwayHTTP
import RingwayIO

/// `count_stream_usage`: the proxy added `stream_options.include_usage` to a
/// streaming request so it can count tokens, and the client, which did not
/// ask for usage, must receive exactly the stream it would have had. Events
/// are relayed whole, from the buffers they arrived in, minus the usage-only
/// chunk and each chunk's `"usage":null` member — cut out by splitting the
/// send segments around them, never by copying.
extension Worker {
    /// Whether this answer can be relayed with usage hidden: an event stream
    /// whose length is not fixed by a Content-Length the cuts would break.
    func beginUsageStripping(_ c: ClientConnection, _ r: ResponseHead) {
        guard c.injectedUsage, r.isEventStream else { return }
        switch r.framing {
        case .chunked: c.stripping.rechunk = true
        case .untilClose: c.stripping.rechunk = false
        default: return
        }
        c.stripping.active = true
        c.stripping.outOfFramingRoom = false
        c.stripping.filter = StreamUsageFilter()
        c.stripping.settled = 0
    }

    enum StrippedSlice {
        /// `taken` bytes of the slice belonged to the body.
        case relayed(taken: Int, done: Bool)
        case malformedFraming
        case outOfFramingRoom
    }

    /// Relays a received slice of a stripped answer's body.
    func relayStrippedBody(_ c: ClientConnection, base: UnsafeRawPointer, count: Int, bid: UInt16) -> StrippedSlice {
        let slice = UnsafeRawBufferPointer(start: base, count: count)
        var result = StrippedSlice.relayed(taken: count, done: false)
        if c.stripping.rechunk {
            switch c.responseChunks.feedPayload(slice, { stripRun(c, $0, bid: bid) }) {
            case .needMore: break
            case .done(let consumed): result = .relayed(taken: consumed, done: true)
            case .failure: result = .malformedFraming
            }
        } else {
            stripRun(c, slice, bid: bid)
        }
        return c.stripping.outOfFramingRoom ? .outOfFramingRoom : result
    }

    private func stripRun(_ c: ClientConnection, _ run: UnsafeRawBufferPointer, bid: UInt16) {
        guard run.count > 0 else { return }
        buffers.retain(bid)
        var filter = c.stripping.filter
        c.stripping.pending.append(.init(base: run.baseAddress!, length: run.count, bid: bid, start: filter.position))
        filter.feed(run) { end, drop in emitStripped(c, upTo: end, dropping: drop) }
        c.stripping.filter = filter
        // An "event" that never ends is not one OpenAI sends: it goes on as
        // it is rather than pin receive buffers.
        if filter.position - c.stripping.settled > Self.longestHeldEvent {
            emitStripped(c, upTo: filter.position, dropping: nil)
        }
    }

    static var longestHeldEvent: Int64 { 256 * 1024 }

    /// Queues the pending bytes before stream offset `end`, leaving out `drop`.
    private func emitStripped(_ c: ClientConnection, upTo end: Int64, dropping drop: Range<Int64>?) {
        let from = c.stripping.settled
        // Part of an overlong event already left: it is kept whole.
        let drop = drop.flatMap { $0.lowerBound >= from ? $0 : nil }
        var kept = end - from
        if let drop { kept -= Int64(drop.clamped(to: from..<end).count) }
        let queue = responseQueue(c)
        if c.stripping.rechunk && kept > 0 {
            guard !c.stripping.outOfFramingRoom, let line = chunkSizeLine(Int(kept)) else {
                c.stripping.outOfFramingRoom = true
                return
            }
            queue.append(line)
        }
        var consumed = 0
        for run in c.stripping.pending {
            let runEnd = run.start + Int64(run.length)
            if run.start >= end { break }
            let lo = max(run.start, from), hi = min(runEnd, end)
            if lo < hi {
                if let drop, drop.overlaps(lo..<hi) {
                    if drop.lowerBound > lo { queueRun(queue, run, lo..<drop.lowerBound) }
                    if drop.upperBound < hi { queueRun(queue, run, drop.upperBound..<hi) }
                } else {
                    queueRun(queue, run, lo..<hi)
                }
            }
            guard runEnd <= end else { break }
            buffers.release(run.bid)
            consumed += 1
        }
        c.stripping.pending.removeFirst(consumed)
        c.stripping.settled = end
        if c.stripping.rechunk && kept > 0 { queue.append(StaticBytes.crlf) }
    }

    private func queueRun(_ queue: SendQueue, _ run: UsageStripping.PendingRun, _ range: Range<Int64>) {
        buffers.retain(run.bid)
        queue.append(Segment(base: run.base + Int(range.lowerBound - run.start),
                             length: Int(range.upperBound - range.lowerBound), bid: Int32(run.bid)))
    }

    func relayStrippedResponse(_ c: ClientConnection, _ u: UpstreamConnection, base: UnsafeRawPointer, count: Int,
                               bid: UInt16) {
        switch relayStrippedBody(c, base: base, count: count, bid: bid) {
        case .malformedFraming:
            cutResponse(c, message: "upstream sent malformed chunked framing", code: "bad_upstream_response")
        case .outOfFramingRoom:
            cutResponse(c, message: "the proxy has no room left to frame the stream", code: "out_of_memory")
        case .relayed(let taken, let done):
            if taken < count { u.reusable = false }
            if taken > 0 { noteRelayedBody(c, UnsafeRawBufferPointer(start: base, count: taken)) }
            flushClient(c)
            if done { finishResponse(c, u) } else { updateUpstreamPressure(u, c) }
        }
    }

    /// The answer ended: what is still pending (an event without its blank
    /// line) goes as it is, then the chunked terminator.
    func finishUsageStripping(_ c: ClientConnection) {
        guard c.stripping.active else { return }
        emitStripped(c, upTo: c.stripping.filter.position, dropping: nil)
        if c.stripping.rechunk { responseQueue(c).append(StaticBytes.lastChunk) }
        releaseUsageStripping(c)
    }

    /// Drops the pending bytes' references (the exchange ended or broke).
    func releaseUsageStripping(_ c: ClientConnection) {
        for run in c.stripping.pending { buffers.release(run.bid) }
        c.stripping.pending.removeAll(keepingCapacity: true)
        c.stripping.active = false
    }

    /// `<hex size>\r\n` in the worker's shared line block; nil when no block
    /// can be had.
    private func chunkSizeLine(_ size: Int) -> Segment? {
        let lineMax = 18  // 16 hex digits and CRLF
        if chunkLines.base == nil || chunkLines.used + lineMax > ProvidedBuffers.blockSize {
            if chunkLines.base != nil { buffers.release(chunkLines.bid) }
            chunkLines.base = nil
            guard let block = buffers.takeBlock() else { return nil }
            chunkLines = ChunkLineBlock(bid: block.bid, base: block.base, used: 0)
        }
        let out = chunkLines.base! + chunkLines.used
        let digits = writeHex(UInt64(size), to: out)
        out.storeBytes(of: 0x0D, toByteOffset: digits, as: UInt8.self)
        out.storeBytes(of: 0x0A, toByteOffset: digits + 1, as: UInt8.self)
        chunkLines.used += digits + 2
        buffers.retain(chunkLines.bid)
        return Segment(base: UnsafeRawPointer(out), length: digits + 2, bid: Int32(chunkLines.bid))
    }
}
