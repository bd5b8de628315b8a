import Testing
@testable import RingwayRouter

@Suite struct AffinityTests {
    static let strategy = BalancingStrategy.prefixAffinity(prefixBytes: 1024, loadFactor: 1.25)

    static func key(_ value: Int) -> UInt64 {
        "conversation-\(value)".utf8CString.withUnsafeBytes {
            AffinityHash.hash(UnsafeRawBufferPointer(rebasing: $0.dropLast()), prefixBytes: 1024)
        }
    }

    @Test func sameKeySameEndpoint() {
        let pool = BalancerFixture(Self.strategy, count: 8)
        for value in 0..<50 {
            let picks = pool.picks(5, key: Self.key(value))
            #expect(Set(picks).count == 1)
        }
    }

    @Test func keysSpreadOverEndpoints() {
        let pool = BalancerFixture(Self.strategy, count: 8)
        var counts = [Int](repeating: 0, count: 8)
        for value in 0..<8000 { counts[pool.picks(1, key: Self.key(value))[0]] += 1 }
        for count in counts { #expect(count > 600 && count < 1400, "\(counts)") }
    }

    @Test func overflowGoesToTheNextEndpoint() {
        let pool = BalancerFixture(Self.strategy, count: 4)
        let key = Self.key(7)
        let home = pool.picks(1, key: key)[0]
        // Keep requests for the same hot key in flight: once home holds its
        // bounded share, the next ones spill elsewhere.
        var placed: [Int] = []
        for _ in 0..<12 {
            let endpoint = pool.balancer.pick(affinityKey: key, now: 1, exclude: TriedEndpoints())!
            pool.balancer.requestStarted(endpoint)
            placed.append(endpoint)
        }
        #expect(placed[0] == home)
        #expect(Set(placed).count > 1)
        // Bound: ceil(1.25 x (outstanding + 1) / 4) at each step, so home never holds more than 4 of 12.
        #expect(placed.filter { $0 == home }.count <= 4, "\(placed)")
        // Once they finish, the key goes home again.
        for endpoint in placed { pool.balancer.requestFinished(endpoint, outcome: .success, latencyNs: 1, now: 2) }
        #expect(pool.picks(1, key: key)[0] == home)
    }

    /// Home hits for 200 requests of 20 conversations over 8 endpoints
    /// with at most `window` requests in flight.
    static func homeHits(window: Int) -> Int {
        let pool = BalancerFixture(Self.strategy, count: 8)
        let homes = (0..<20).map { pool.picks(1, key: Self.key($0))[0] }
        var hits = 0
        var inFlight: [Int] = []
        for round in 0..<200 {
            let conversation = round % 20
            let endpoint = pool.balancer.pick(affinityKey: Self.key(conversation), now: 1, exclude: TriedEndpoints())!
            pool.balancer.requestStarted(endpoint)
            inFlight.append(endpoint)
            if endpoint == homes[conversation] { hits += 1 }
            if inFlight.count >= window {
                pool.balancer.requestFinished(inFlight.removeFirst(), outcome: .success, latencyNs: 1, now: 1)
            }
        }
        return hits
    }

    @Test func repeatedKeysHitTheirHome() {
        // One at a time: always home.
        #expect(Self.homeHits(window: 1) == 200)
        // 15 in flight on 8 endpoints: capacity ceil(1.25 x 16 / 8) = 3, so
        // an endpoint that is home to many conversations spills some; still
        // over half, four times the 1/8 a key-blind balancer would hit.
        let hits = Self.homeHits(window: 16)
        #expect(hits > 100, "hit rate \(hits) / 200")
    }

    @Test func addingAnEndpointMovesAboutOneNth() {
        let keys = (0..<9).map { AffinityHash.ringKey(url: "http://10.0.0.\($0):8000") }
        let before = BalancerFixture(Self.strategy, weights: Array(repeating: 1, count: 8), ringKeys: Array(keys.prefix(8)))
        let after = BalancerFixture(Self.strategy, weights: Array(repeating: 1, count: 9), ringKeys: keys)
        var moved = 0
        for value in 0..<5000 {
            let old = before.picks(1, key: Self.key(value))[0]
            let new = after.picks(1, key: Self.key(value))[0]
            if old != new {
                moved += 1
                #expect(new == 8, "a key moved between two old endpoints")
            }
        }
        // Expect 1/9 of 5000, about 556.
        #expect(moved > 350 && moved < 800, "moved \(moved)")
    }

    @Test func removingAnEndpointMovesOnlyItsKeys() {
        let keys = (0..<8).map { AffinityHash.ringKey(url: "http://10.0.0.\($0):8000") }
        let before = BalancerFixture(Self.strategy, weights: Array(repeating: 1, count: 8), ringKeys: keys)
        // Endpoint 3 leaves; the list closes up, indices after it shift down.
        var remaining = keys
        remaining.remove(at: 3)
        let after = BalancerFixture(Self.strategy, weights: Array(repeating: 1, count: 7), ringKeys: remaining)
        var moved = 0
        for value in 0..<5000 {
            let old = before.picks(1, key: Self.key(value))[0]
            let new = after.picks(1, key: Self.key(value))[0]
            let oldIdentity = keys[old]
            let newIdentity = remaining[new]
            if oldIdentity != newIdentity {
                moved += 1
                #expect(old == 3)
            }
        }
        #expect(moved > 400 && moved < 900, "moved \(moved)")
    }

    @Test func unusableHomeFallsThroughToTheNext() {
        let pool = BalancerFixture(Self.strategy, count: 4)
        let key = Self.key(3)
        let home = pool.picks(1, key: key)[0]
        var tried = TriedEndpoints()
        tried.insert(home)
        let next = pool.balancer.pick(affinityKey: key, now: 1, exclude: tried)!
        #expect(next != home)
        // Deterministic: the same retry lands on the same second choice.
        #expect(pool.balancer.pick(affinityKey: key, now: 1, exclude: tried) == next)
    }

    @Test func heavierEndpointsOwnMoreKeys() {
        let pool = BalancerFixture(Self.strategy, weights: [3, 1])
        var counts = [0, 0]
        for value in 0..<4000 { counts[pool.picks(1, key: Self.key(value))[0]] += 1 }
        #expect(counts[0] > 2600 && counts[0] < 3400, "\(counts)")
    }

    @Test func hashUsesOnlyThePrefix() {
        let a = Array("system prompt shared by all; then user A".utf8)
        let b = Array("system prompt shared by all; then user B".utf8)
        let ha = a.withUnsafeBytes { AffinityHash.hash($0, prefixBytes: 28) }
        let hb = b.withUnsafeBytes { AffinityHash.hash($0, prefixBytes: 28) }
        let fa = a.withUnsafeBytes { AffinityHash.hash($0, prefixBytes: 1000) }
        let fb = b.withUnsafeBytes { AffinityHash.hash($0, prefixBytes: 1000) }
        #expect(ha == hb)
        #expect(fa != fb)
    }
}
