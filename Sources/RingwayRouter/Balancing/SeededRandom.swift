/// wyrand: a 64-bit PRNG with one multiply per number and a 64-bit state.
/// Seeded per balancer so tests replay exactly and workers do not move in
/// lockstep (each worker passes its own seed). Not for anything secret.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0xa076_1d64_78bd_642f
        let product = state.multipliedFullWidth(by: state ^ 0xe703_7ed1_a0b4_28db)
        return product.high ^ product.low
    }

    /// Uniform in 0..<bound by the multiply-high method (Lemire), without
    /// the modulo's division; the bias for a bound of a few thousand is
    /// below 2^-50, far under anything a balancer can notice.
    @inline(__always)
    mutating func next(below bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }
}

/// splitmix64's finaliser: spreads every input bit over the whole word.
/// Used for ring positions and sticky hashes, where inputs (indices,
/// counters) differ in a few low bits only.
@inline(__always)
func mixBits(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9e37_79b9_7f4a_7c15
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
}
