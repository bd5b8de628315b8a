import CRingwayAtomics

/// What a worker records, by index. Every call is a handful of relaxed
/// loads, adds and stores on its own shard.
extension MetricsShard {
    /// One request is over (answered, rejected, or the client went away).
    ///
    /// - Parameters:
    ///   - model: index in `layout.models`, or -1 when none was resolved.
    ///   - pool: index in `layout.pools`, or -1 when the request was refused before routing.
    ///   - endpoint: index in `layout.endpoints`, or -1 when none was picked.
    ///   - statusCode: the status sent to the client; 499 when the client closed first.
    ///   - totalNs: first request byte to last response byte.
    ///   - overheadNs: `totalNs` less the time waiting on upstreams.
    ///   - upstreamTTFBNs: upstream request sent to first response byte, when an endpoint answered.
    ///   - key: index in `layout.keys`, or -1 for anonymous.
    ///   - bytesIn / bytesOut: bytes received from and sent to the client.
    @inlinable
    public func requestFinished(
        model: Int, pool: Int, endpoint: Int, statusCode: Int, totalNs: UInt64, overheadNs: UInt64,
        upstreamTTFBNs: UInt64?, key: Int, bytesIn: Int, bytesOut: Int
    ) {
        let o = offsets
        let m = slot(model, o.models)
        let p = slot(pool, o.pools)
        let k = slot(key, o.keys)
        let code = StatusCodeLabel.index(of: statusCode)
        let hasEndpoint = UInt(bitPattern: endpoint) < UInt(bitPattern: o.endpoints)
        // Route slots: endpoints, then "this pool, no endpoint", then "no pool".
        let route = hasEndpoint ? endpoint : o.endpoints &+ p
        add(o.requests &+ (m &* o.routeSlots &+ route) &* StatusCodeLabel.count &+ code, 1)
        add(o.requestsByKey &+ k &* StatusCodeLabel.count &+ code, 1)
        observe(o.requestDuration &+ (m &* o.poolSlots &+ p) &* LatencyBuckets.cellsPerSeries, totalNs)
        observe(o.proxyOverhead &+ p &* LatencyBuckets.cellsPerSeries, overheadNs)
        if hasEndpoint, let ttfb = upstreamTTFBNs {
            observe(o.upstreamTTFB &+ endpoint &* LatencyBuckets.cellsPerSeries, ttfb)
        }
        add(o.requestBytes &+ p, UInt64(truncatingIfNeeded: max(bytesIn, 0)))
        add(o.responseBytes &+ p, UInt64(truncatingIfNeeded: max(bytesOut, 0)))
    }

    /// The first token of a stream went to the client, `ttftNs` after the
    /// request's first byte. Nothing is recorded for nil (no token was sent).
    @inlinable
    public func streamTiming(model: Int, ttftNs: UInt64?) {
        guard let ttft = ttftNs else { return }
        let o = offsets
        observe(o.timeToFirstToken &+ slot(model, o.models) &* LatencyBuckets.cellsPerSeries, ttft)
    }

    /// One gap between consecutive streamed tokens (SSE events carrying
    /// content); called once per token after the first.
    @inlinable
    public func observeInterToken(model: Int, ns: UInt64) {
        let o = offsets
        observe(o.interTokenLatency &+ slot(model, o.models) &* LatencyBuckets.cellsPerSeries, ns)
    }

    /// Token usage of one response, and its cost computed by the caller
    /// from the model's prices, in millionths of a dollar (integers add
    /// exactly; exposed as dollars).
    @inlinable
    public func tokens(model: Int, key: Int, prompt: Int, completion: Int, costMicroUSD: UInt64) {
        let o = offsets
        let series = slot(model, o.models) &* o.keySlots &+ slot(key, o.keys)
        add(o.promptTokens &+ series, UInt64(truncatingIfNeeded: max(prompt, 0)))
        add(o.completionTokens &+ series, UInt64(truncatingIfNeeded: max(completion, 0)))
        add(o.cost &+ series, costMicroUSD)
    }

    /// An attempt in `pool` failed and is being retried on another endpoint.
    @inlinable
    public func retry(pool: Int) {
        let o = offsets
        add(o.retries &+ slot(pool, o.pools), 1)
    }

    /// A request for `model` fell back to another model.
    @inlinable
    public func fallback(model: Int) {
        let o = offsets
        add(o.fallbacks &+ slot(model, o.models), 1)
    }

    /// Admission control refused a request (queue full, queue timeout).
    @inlinable
    public func admissionRejected(pool: Int, priority: Int) {
        let o = offsets
        add(o.admissionRejected &+ slot(pool, o.pools) &* o.prioritySlots &+ slot(priority, o.priorities), 1)
    }

    /// A client connection opened (+1) or closed (-1) on this worker. The
    /// cell holds the worker's count in two's complement; the scrape sums
    /// the workers' counts.
    @inlinable
    public func activeConnectionsDelta(_ delta: Int) {
        add(offsets.activeConnections, UInt64(bitPattern: Int64(delta)))
    }

    /// This worker's admission queue length for `pool` is now `value`; the
    /// scrape sums the workers' values.
    @inlinable
    public func queueDepth(pool: Int, value: Int) {
        let o = offsets
        rw_atomic_store_relaxed(cells + (o.queueDepth &+ slot(pool, o.pools)), UInt64(bitPattern: Int64(value)))
    }

    // MARK: - Cell operations

    /// `index` when it is one of `count` configured values, else `count`
    /// (the reserved slot): one unsigned compare also catches -1.
    @inlinable @inline(__always)
    func slot(_ index: Int, _ count: Int) -> Int {
        UInt(bitPattern: index) < UInt(bitPattern: count) ? index : count
    }

    /// Single-writer increment: no `lock` prefix (see the type's comment).
    @inlinable @inline(__always)
    func add(_ cell: Int, _ delta: UInt64) {
        let address = cells + cell
        rw_atomic_store_relaxed(address, rw_atomic_load_relaxed(address) &+ delta)
    }

    /// One histogram observation: its bucket's count and the series' sum.
    @inlinable @inline(__always)
    func observe(_ series: Int, _ ns: UInt64) {
        add(series &+ buckets.index(ns), 1)
        add(series &+ LatencyBuckets.count, ns)
    }
}
