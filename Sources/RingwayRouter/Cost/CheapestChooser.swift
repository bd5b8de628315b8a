/// The `cheapest` target: among the models that can serve a request, the
/// one with the lowest estimated cost that meets its latency objective.
///
/// 1. Capable: usable; has `tools` if the request sends tools and `vision`
///    if it sends images; and, when both the window and the prompt size are
///    known, `promptTokens + (maxOutputTokens ?? 0) <= contextWindow`.
/// 2. Meeting its objective: no objective, no measurement yet (an unmeasured
///    model gets the benefit of the doubt, or it would never be measured),
///    or measured latency <= objective.
/// 3. Cost = (promptTokens x input + expectedOutput x output) / 1e6 USD,
///    with expectedOutput = maxOutputTokens ?? 256: a chat reply's typical
///    length, so output-heavy and input-heavy price sheets compare fairly
///    when the request leaves the length open. A model without a price
///    costs 0 — in practice a self-hosted one, which is the cheap choice;
///    price it to rank it otherwise. Ties go to the first listed.
/// 4. If no capable model meets its objective: the capable one with the
///    lowest measured latency (unmeasured models met theirs by rule 2).
/// 5. No capable model: nil.
public enum CheapestChooser {
    /// Assumed output length when the request sets no limit.
    public static let expectedOutputTokens = 256

    public static func choose(_ candidates: UnsafeBufferPointer<CostCandidate>, needs: RequestNeeds) -> Int? {
        var required: CapabilitySet = []
        if needs.needsTools { required.insert(.tools) }
        if needs.needsVision { required.insert(.vision) }
        let contextNeeded = needs.promptTokens &+ (needs.maxOutputTokens ?? 0)
        let expectedOutput = Double(needs.maxOutputTokens ?? expectedOutputTokens)
        let prompt = Double(max(needs.promptTokens, 0))

        var cheapest: Int?
        var cheapestCost = Double.infinity
        var fastest: Int?
        var fastestLatency = UInt64.max
        for index in 0..<candidates.count {
            let candidate = candidates[index]
            guard candidate.usable, candidate.capabilities.isSuperset(of: required) else { continue }
            if let window = candidate.contextWindow, needs.promptTokens > 0, contextNeeded > window { continue }
            let meetsObjective = candidate.maxLatencyNs == 0 || candidate.measuredLatencyNs == 0
                || candidate.measuredLatencyNs <= candidate.maxLatencyNs
            if meetsObjective {
                let cost = candidate.price.map {
                    (prompt * $0.inputPerMillion + expectedOutput * $0.outputPerMillion) / 1_000_000
                } ?? 0
                if cost < cheapestCost || cheapest == nil {
                    cheapest = index
                    cheapestCost = cost
                }
            } else if candidate.measuredLatencyNs < fastestLatency {
                fastest = index
                fastestLatency = candidate.measuredLatencyNs
            }
        }
        return cheapest ?? fastest
    }
}
