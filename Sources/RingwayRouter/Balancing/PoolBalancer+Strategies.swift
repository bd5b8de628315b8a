/// The five ways a pool chooses among its usable endpoints. Each returns
/// nil only when no endpoint is usable; `pick` then panics (see PoolBalancer).
extension PoolBalancer {
    /// nginx's smooth weighted round-robin: every usable endpoint gains its
    /// weight, the richest is chosen and pays the total back. Weights 5,1,1
    /// give a a b a c a a — the heavy endpoint's turns are spread out, not
    /// bunched as plain weighted round-robin would (a a a a a b c).
    func pickSmoothWeighted(now: UInt64, exclude: TriedEndpoints) -> Int? {
        var best = -1
        var bestWeight = Int.min
        var total = 0
        for endpoint in 0..<endpointCount where isUsable(endpoint, now: now, exclude: exclude) {
            stats[endpoint].currentWeight &+= stats[endpoint].weight
            total &+= stats[endpoint].weight
            if stats[endpoint].currentWeight > bestWeight {
                bestWeight = stats[endpoint].currentWeight
                best = endpoint
            }
        }
        guard best >= 0 else { return nil }
        stats[best].currentWeight &-= total
        return best
    }

    /// Fewest outstanding per unit of weight (compared by cross-multiplying,
    /// no division). The scan starts one past the last choice and only a
    /// strictly better endpoint replaces the current best, so ties rotate
    /// round-robin instead of always landing on the lowest index.
    func pickLeastOutstanding(now: UInt64, exclude: TriedEndpoints) -> Int? {
        var best = -1
        var bestOutstanding = 0
        var bestWeight = 1
        var endpoint = cursor < endpointCount ? cursor : 0
        for _ in 0..<endpointCount {
            if isUsable(endpoint, now: now, exclude: exclude) {
                let outstanding = stats[endpoint].outstanding
                let weight = stats[endpoint].weight
                if best < 0 || outstanding &* bestWeight < bestOutstanding &* weight {
                    best = endpoint
                    bestOutstanding = outstanding
                    bestWeight = weight
                }
            }
            endpoint = endpoint &+ 1 == endpointCount ? 0 : endpoint &+ 1
        }
        guard best >= 0 else { return nil }
        cursor = best &+ 1
        return best
    }

    /// Power of two choices: two distinct endpoints at random, the one with
    /// the lower latency x (outstanding + 1) wins. Random pairs avoid the
    /// herd that "always the best" causes when many workers decide on the
    /// same stale figures; the product makes a fast endpoint pay for its
    /// queue. Weights are not used: latency already measures capacity.
    func pickPowerOfTwo(now: UInt64, exclude: TriedEndpoints) -> Int? {
        let count = endpointCount
        if count == 1 { return isUsable(0, now: now, exclude: exclude) ? 0 : nil }
        // Draw pairs from the whole pool first: with most endpoints usable
        // this succeeds at once, with no scan.
        for _ in 0..<3 {
            let first = random.next(below: count)
            var second = random.next(below: count &- 1)
            if second >= first { second &+= 1 }
            if isUsable(first, now: now, exclude: exclude) && isUsable(second, now: now, exclude: exclude) {
                return cheaperOfTwo(first, second, now: now)
            }
        }
        // Many endpoints are out: draw among the usable ones only.
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: count) { usable in
            var usableCount = 0
            for endpoint in 0..<count where isUsable(endpoint, now: now, exclude: exclude) {
                usable[usableCount] = Int32(endpoint)
                usableCount &+= 1
            }
            if usableCount == 0 { return nil }
            if usableCount == 1 { return Int(usable[0]) }
            let first = random.next(below: usableCount)
            var second = random.next(below: usableCount &- 1)
            if second >= first { second &+= 1 }
            return cheaperOfTwo(Int(usable[first]), Int(usable[second]), now: now)
        }
    }

    @inline(__always)
    private func cheaperOfTwo(_ first: Int, _ second: Int, now: UInt64) -> Int {
        let firstCost = latencyEstimate(first, now: now) &* UInt64(stats[first].outstanding &+ 1)
        let secondCost = latencyEstimate(second, now: now) &* UInt64(stats[second].outstanding &+ 1)
        return secondCost < firstCost ? second : first
    }

    /// Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam
    /// 2016): no endpoint may hold more than
    /// `ceil(loadFactor x (totalOutstanding + 1) / usable)` requests, so a hot
    /// prefix spills over to the next endpoints clockwise instead of melting
    /// its home. Keys keep their home while it has room, which is what makes
    /// the upstream's prefix (KV) cache hit.
    ///
    /// A load factor below 1 would leave no room at all, so it counts as 1.
    ///
    /// The walk always ends: the usable endpoints hold at most
    /// `totalOutstanding` requests, fewer than `usable x capacity`, so one of
    /// them is under capacity.
    func pickAffinity(key: UInt64, loadFactor: Double, now: UInt64, exclude: TriedEndpoints) -> Int? {
        guard let ring, ring.count > 0 else { return nil }
        var usableCount = 0
        for endpoint in 0..<endpointCount where isUsable(endpoint, now: now, exclude: exclude) {
            usableCount &+= 1
        }
        if usableCount == 0 { return nil }
        let factor = loadFactor.isFinite ? max(loadFactor, 1) : 1.25
        let capacity = Int((factor * Double(totalOutstanding &+ 1) / Double(usableCount)).rounded(.up))
        return ring.owners.withUnsafeBufferPointer { owners in
            var position = ring.firstPosition(atOrAfter: key)
            for _ in 0..<owners.count {
                let endpoint = Int(owners[position])
                if stats[endpoint].outstanding < capacity && isUsable(endpoint, now: now, exclude: exclude) {
                    return endpoint
                }
                position = position &+ 1 == owners.count ? 0 : position &+ 1
            }
            return nil
        }
    }

    /// The least loaded endpoint by the servers' own figures, in thousandths
    /// of a "running request":
    ///
    /// - waiting x 4: a queued request has not even started prefill; it adds
    ///   the whole prefill of every request ahead of it to time-to-first-token,
    ///   so one in the queue costs a new arrival several times what one more
    ///   running sequence does (continuous batching shares decode steps).
    /// - running x 1: the batch size, which slows every decode step a little.
    /// - KV-cache usage x 8 (full cache = 8): near full, the server must
    ///   preempt or queue whatever comes next, so usage is a leading sign of
    ///   the queue growing.
    /// - local outstanding x 1: what this worker sent since the last scrape,
    ///   which the figures cannot show yet; without it every request of one
    ///   scrape interval would herd onto the same endpoint.
    ///
    /// Only when every usable endpoint's figures are fresh: a mix of scored
    /// and unscored endpoints has no common scale, so anything stale (or
    /// never scraped) turns the whole decision into least-outstanding.
    func pickLoadAware(now: UInt64, exclude: TriedEndpoints) -> Int? {
        var best = -1
        var bestScore = Int.max
        var endpoint = cursor < endpointCount ? cursor : 0
        for _ in 0..<endpointCount {
            if isUsable(endpoint, now: now, exclude: exclude) {
                let load = shared[endpoint]
                guard load.hasLoad(now: now, maxAgeNs: Self.loadMaxAgeNs) else {
                    return pickLeastOutstanding(now: now, exclude: exclude)
                }
                let score = load.waiting &* 4_000 &+ load.running &* 1_000
                    &+ Int(load.kvCacheUsage * 8_000) &+ stats[endpoint].outstanding &* 1_000
                if score < bestScore {
                    best = endpoint
                    bestScore = score
                }
            }
            endpoint = endpoint &+ 1 == endpointCount ? 0 : endpoint &+ 1
        }
        guard best >= 0 else { return nil }
        cursor = best &+ 1
        return best
    }
}
