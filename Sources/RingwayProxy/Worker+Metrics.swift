import RingwayHTTP
import RingwayObserve

/// Metrics recording: one call per finished exchange, plus the counters the
/// routing decisions bump. All of it lands in this worker's shard (no lock,
/// no allocation); `/metrics` merges the shards.
extension Worker {
    /// The request is over: answered, cut or abandoned by its client.
    func recordExchange(_ c: ClientConnection, status: Int) {
        guard !c.exchangeRecorded, c.requestStartedAt > 0 else { return }
        let shard = (c.routing ?? routing).metrics
        guard shard != nil || accessLog != nil else { return }
        c.exchangeRecorded = true
        let total = now &- c.requestStartedAt
        // Ringway's own share: from the request's head to the moment it left
        // for the upstream that answered (body reading, inspection, routing,
        // retries' backoff); the relay back adds microseconds not counted.
        let overhead = c.attemptStartedAt >= c.requestStartedAt && c.attemptStartedAt > 0
            ? c.attemptStartedAt - c.requestStartedAt : total
        let ttfb: UInt64? = c.firstByteNs > c.attemptStartedAt && c.attemptStartedAt > 0
            ? c.firstByteNs - c.attemptStartedAt : nil
        shard?.requestFinished(
            model: Int(c.servedModel), pool: Int(c.pool), endpoint: Int(c.endpoint), statusCode: status, totalNs: total,
            overheadNs: overhead, upstreamTTFBNs: ttfb, key: Int(c.keyIndex), bytesIn: Int(c.held.total),
            bytesOut: Int(c.responseBodyBytes))
        let prompt = c.usage.promptTokens, completion = c.usage.completionTokens
        if let shard, prompt >= 0 || completion >= 0 {
            var costMicroUSD: UInt64 = 0
            if c.servedModel >= 0, let price = (c.routing ?? routing).table.models[Int(c.servedModel)].price {
                // Prices are USD per million tokens: tokens x price = micro-USD.
                costMicroUSD = UInt64(max(0, (Double(max(prompt, 0)) * price.inputPerMillion
                    + Double(max(completion, 0)) * price.outputPerMillion).rounded()))
            }
            shard.tokens(model: Int(c.servedModel), key: Int(c.keyIndex), prompt: max(prompt, 0),
                         completion: max(completion, 0), costMicroUSD: costMicroUSD)
        }
        if let ring = accessLog { logExchange(c, ring, status: status, totalNs: total, overheadNs: overhead) }
    }

    /// Times the first token and the gaps between tokens from the events
    /// (blank-line ends) found in the bytes just relayed.
    func noteStreamEvents(_ c: ClientConnection, _ events: Int) {
        guard events > 0, let shard = (c.routing ?? routing).metrics else { return }
        var events = events
        let model = Int(c.servedModel)
        if c.firstEventNs == 0 {
            c.firstEventNs = now
            shard.streamTiming(model: model, ttftNs: now &- c.requestStartedAt)
            events -= 1
        } else {
            shard.observeInterToken(model: model, ns: now &- c.lastEventNs)
            events -= 1
        }
        // Events that arrived together reached the client together.
        for _ in 0..<events { shard.observeInterToken(model: model, ns: 0) }
        c.lastEventNs = now
    }

    /// Event ends (a blank line, CRs ignored) in a slice of an event stream;
    /// `carry` is the last byte of the previous slice, so an end split
    /// across slices counts once.
    static func countEventEnds(_ bytes: UnsafeRawBufferPointer, carry: inout UInt8) -> Int {
        var previous = carry
        var events = 0
        for b in bytes {
            if b == 0x0A && previous == 0x0A { events += 1 }
            if b != 0x0D { previous = b }
        }
        carry = previous
        return events
    }

    /// One access-log record, handed to the writer thread through the ring
    /// (dropped and counted if the ring is full; the worker never waits).
    private func logExchange(_ c: ClientConnection, _ ring: AccessLogRing, status: Int, totalNs: UInt64,
                             overheadNs: UInt64) {
        var r = AccessLogRecord()
        r.timestampNs = AccessLogWallClock.nanoseconds()
        r.configVersion = UInt64((c.routing ?? routing).table.version)
        r.bytesIn = UInt64(c.held.total)
        r.bytesOut = UInt64(max(c.responseBodyBytes, 0))
        r.totalNs = totalNs
        if c.firstEventNs > c.requestStartedAt { r.ttftNs = c.firstEventNs - c.requestStartedAt }
        r.overheadNs = overheadNs
        if c.hasTrace {
            r.traceIDHigh = c.trace.traceIDHigh
            r.traceIDLow = c.trace.traceIDLow
            r.spanID = c.trace.parentID
        }
        r.keyIndex = c.keyIndex
        r.modelServed = c.servedModel
        r.pool = c.pool
        r.endpoint = c.endpoint
        r.rule = c.rule
        r.promptTokens = Int32(clamping: c.usage.promptTokens)
        r.completionTokens = Int32(clamping: c.usage.completionTokens)
        r.status = UInt16(clamping: status)
        r.attempts = UInt8(clamping: c.attempt)
        r.reason = c.routingReason
        r.stream = c.isModelRoute ? c.summary.stream : c.isEventStream
        // A request answered here never needed an id upstream: make one now.
        if c.requestIDBytes.isEmpty && c.request.requestID == nil {
            _ = withRequestID(c, source: UnsafeRawBufferPointer(start: nil, count: 0)) { _ in 0 }
        }
        c.requestIDBytes.withUnsafeBytes { r.setRequestID($0) }
        if c.isModelRoute, let model = c.summary.model { r.setModelAsked(model) }
        _ = ring.push(r)
    }
}
