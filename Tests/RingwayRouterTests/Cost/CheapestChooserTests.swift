import Testing
@testable import RingwayRouter

@Suite struct CheapestChooserTests {
    static func choose(_ candidates: [CostCandidate], _ needs: RequestNeeds) -> Int? {
        candidates.withUnsafeBufferPointer { CheapestChooser.choose($0, needs: needs) }
    }

    static let mini = CostCandidate(price: Price(inputPerMillion: 0.15, outputPerMillion: 0.60), contextWindow: 128_000,
                                    capabilities: [.tools, .streaming])
    static let big = CostCandidate(price: Price(inputPerMillion: 2.50, outputPerMillion: 10), contextWindow: 128_000,
                                   capabilities: [.tools, .vision, .streaming])
    static let long = CostCandidate(price: Price(inputPerMillion: 1.25, outputPerMillion: 5), contextWindow: 1_000_000,
                                    capabilities: [.streaming])
    static let local = CostCandidate(price: nil, contextWindow: 32_768, capabilities: [])

    @Test func picksTheCheapestCapable() {
        #expect(Self.choose([Self.big, Self.mini, Self.long], RequestNeeds(promptTokens: 1000)) == 1)
        #expect(Self.choose([Self.big, Self.mini, Self.long], RequestNeeds(promptTokens: 1000, needsVision: true)) == 0)
        #expect(Self.choose([Self.long, Self.big, Self.mini], RequestNeeds(promptTokens: 1000, needsTools: true)) == 2)
    }

    @Test func contextWindowFilters() {
        let candidates = [Self.mini, Self.long]
        #expect(Self.choose(candidates, RequestNeeds(promptTokens: 127_000)) == 0)
        // 127k prompt + 2k output does not fit 128k.
        #expect(Self.choose(candidates, RequestNeeds(promptTokens: 127_000, maxOutputTokens: 2_000)) == 1)
        #expect(Self.choose([Self.mini], RequestNeeds(promptTokens: 200_000)) == nil)
        // Unknown prompt size: the window is not checked.
        #expect(Self.choose([Self.mini], RequestNeeds(promptTokens: 0, maxOutputTokens: 500_000)) == 0)
    }

    @Test func expectedOutputShapesTheCost() {
        // Input-cheap, output-dear versus the opposite.
        let readHeavy = CostCandidate(price: Price(inputPerMillion: 0.1, outputPerMillion: 10), contextWindow: nil, capabilities: [])
        let writeHeavy = CostCandidate(price: Price(inputPerMillion: 1, outputPerMillion: 1), contextWindow: nil, capabilities: [])
        // Long prompt, default 256 out: 10000 x 0.1 + 256 x 10 = 3560 < 10256.
        #expect(Self.choose([writeHeavy, readHeavy], RequestNeeds(promptTokens: 10_000)) == 1)
        // Asked for a long answer: 10000 x 0.1 + 4000 x 10 = 41000 > 14000.
        #expect(Self.choose([writeHeavy, readHeavy], RequestNeeds(promptTokens: 10_000, maxOutputTokens: 4_000)) == 0)
    }

    @Test func unpricedCountsAsFreeAndTiesGoFirst() {
        #expect(Self.choose([Self.mini, Self.local], RequestNeeds(promptTokens: 100)) == 1)
        #expect(Self.choose([Self.mini, Self.mini], RequestNeeds(promptTokens: 100)) == 0)
    }

    @Test func latencyObjective() {
        var slowCheap = Self.mini
        slowCheap.maxLatencyNs = 2_000_000_000
        slowCheap.measuredLatencyNs = 3_000_000_000
        var fastDear = Self.big
        fastDear.maxLatencyNs = 2_000_000_000
        fastDear.measuredLatencyNs = 1_000_000_000
        #expect(Self.choose([slowCheap, fastDear], RequestNeeds(promptTokens: 100)) == 1)
        // Unmeasured meets its objective by default.
        var unmeasured = slowCheap
        unmeasured.measuredLatencyNs = 0
        #expect(Self.choose([unmeasured, fastDear], RequestNeeds(promptTokens: 100)) == 0)
        // None meets its objective: the fastest capable.
        var slower = fastDear
        slower.measuredLatencyNs = 5_000_000_000
        #expect(Self.choose([slower, slowCheap], RequestNeeds(promptTokens: 100)) == 1)
        // Capability still filters first.
        #expect(Self.choose([slower, slowCheap], RequestNeeds(promptTokens: 100, needsVision: true)) == 0)
    }

    @Test func noneCapableOrUsable() {
        #expect(Self.choose([Self.local, Self.long], RequestNeeds(promptTokens: 10, needsTools: true)) == nil)
        var down = Self.mini
        down.usable = false
        #expect(Self.choose([down], RequestNeeds(promptTokens: 10)) == nil)
        #expect(Self.choose([], RequestNeeds(promptTokens: 10)) == nil)
    }

    @Test func capabilitySetFromConfig() {
        let set = CapabilitySet([.tools, .vision])
        #expect(set == [.tools, .vision])
        #expect(CapabilitySet(Set(Capability.allCases)).rawValue == 0b11111)
    }
}
