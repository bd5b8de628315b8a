/// An A/B split: requests shared among arms by weight. With a sticky hash
/// (of the API key, the `user` field or a header, per `SplitConfig.sticky`)
/// the arm is a pure function of that hash, so one user always sees the
/// same arm for as long as the weights stay the same; without one, the
/// caller's random number decides.
public struct WeightedSplit: Sendable, Equatable {
    /// Running totals of the weights: arm i owns [cumulative[i-1], cumulative[i]).
    private let cumulative: [UInt64]
    public var total: UInt64 { cumulative.last ?? 0 }

    /// Negative weights count as 0; an arm of weight 0 is never chosen.
    public init(weights: [Int]) {
        var running: UInt64 = 0
        cumulative = weights.map { weight in
            running &+= UInt64(max(weight, 0))
            return running
        }
    }

    public var armCount: Int { cumulative.count }

    /// The arm for this request; 0 when every weight is 0.
    public func choose(stickyHash: UInt64?, random: UInt64) -> Int {
        let total = self.total
        guard total > 0 else { return 0 }
        // The sticky hash is mixed first: hashes of similar keys (user-1,
        // user-2) may share high bits, and the split uses the high bits.
        let value = stickyHash.map(mixBits) ?? random
        // value x total / 2^64: uniform over 0..<total without a division.
        let point = value.multipliedFullWidth(by: total).high
        for arm in 0..<cumulative.count where point < cumulative[arm] { return arm }
        return cumulative.count - 1
    }

    /// A sticky hash of key bytes (FNV-1a; `choose` mixes it further).
    public static func stickyHash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }
}
