import RingwayObserve

/// Metrics recording: one call per finished exchange, plus the counters the
/// routing decisions bump. All of it lands in this worker's shard (no lock,
/// no allocation); `/metrics` merges the shards.
extension Worker {
    /// The request is over: answered, cut or abandoned by its client.
    func recordExchange(_ c: ClientConnection, status: Int) {
        guard !c.exchangeRecorded, c.requestStartedAt > 0, let shard = (c.routing ?? routing).metrics else { return }
        c.exchangeRecorded = true
        let total = now &- c.requestStartedAt
        // Ringway's own share: from the request's head to the moment it left
        // for the upstream that answered (body reading, inspection, routing,
        // retries' backoff); the relay back adds microseconds not counted.
        let overhead = c.attemptStartedAt >= c.requestStartedAt && c.attemptStartedAt > 0
            ? c.attemptStartedAt - c.requestStartedAt : total
        let ttfb: UInt64? = c.firstByteNs > c.attemptStartedAt && c.attemptStartedAt > 0
            ? c.firstByteNs - c.attemptStartedAt : nil
        shard.requestFinished(
            model: Int(c.servedModel), pool: Int(c.pool), endpoint: Int(c.endpoint), statusCode: status, totalNs: total,
            overheadNs: overhead, upstreamTTFBNs: ttfb, key: Int(c.keyIndex), bytesIn: Int(c.held.total),
            bytesOut: Int(c.responseBodyBytes))
    }
}
