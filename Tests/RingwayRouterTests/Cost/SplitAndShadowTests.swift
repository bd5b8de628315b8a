import Testing
@testable import RingwayRouter

@Suite struct SplitAndShadowTests {
    @Test func stickyHashAlwaysGetsTheSameArm() {
        let split = WeightedSplit(weights: [90, 10])
        var random = SeededRandom(seed: 1)
        for user in 0..<500 {
            let hash = Array("user-\(user)".utf8).withUnsafeBytes { WeightedSplit.stickyHash($0) }
            let arm = split.choose(stickyHash: hash, random: random.next())
            for _ in 0..<5 { #expect(split.choose(stickyHash: hash, random: random.next()) == arm) }
        }
    }

    @Test func stickyUsersSplitByWeight() {
        let split = WeightedSplit(weights: [70, 20, 10])
        var counts = [0, 0, 0]
        for user in 0..<10_000 {
            let hash = Array("user-\(user)".utf8).withUnsafeBytes { WeightedSplit.stickyHash($0) }
            counts[split.choose(stickyHash: hash, random: 0)] += 1
        }
        #expect(abs(counts[0] - 7000) < 300 && abs(counts[1] - 2000) < 250 && abs(counts[2] - 1000) < 200, "\(counts)")
    }

    @Test func randomSplitByWeight() {
        let split = WeightedSplit(weights: [1, 3])
        var random = SeededRandom(seed: 9)
        var counts = [0, 0]
        for _ in 0..<20_000 { counts[split.choose(stickyHash: nil, random: random.next())] += 1 }
        #expect(abs(counts[1] - 15_000) < 400, "\(counts)")
    }

    @Test func zeroWeightArmsAreNeverChosen() {
        let split = WeightedSplit(weights: [0, 5, 0])
        for value: UInt64 in [0, 1, .max / 2, .max] {
            #expect(split.choose(stickyHash: nil, random: value) == 1)
            #expect(split.choose(stickyHash: value, random: 0) == 1)
        }
        #expect(WeightedSplit(weights: [0, 0]).choose(stickyHash: nil, random: 123) == 0)
    }

    @Test func shadowSamplerIsEvenlySpaced() {
        var quarter = ShadowSampler(fraction: 0.25)
        let picks = (0..<12).map { _ in quarter.next() }
        #expect(picks == [false, false, false, true, false, false, false, true, false, false, false, true])
        var tenth = ShadowSampler(fraction: 0.1)
        let mirrored = (0..<10_000).filter { _ in tenth.next() }.count
        #expect(abs(mirrored - 1000) <= 1)
    }

    @Test func shadowSamplerEdges() {
        var none = ShadowSampler(fraction: 0)
        var all = ShadowSampler(fraction: 1)
        var nan = ShadowSampler(fraction: .nan)
        var over = ShadowSampler(fraction: 7)
        for _ in 0..<100 {
            let (n, a, x, o) = (none.next(), all.next(), nan.next(), over.next())
            #expect(!n && a && !x && o)
        }
    }
}
