/// The per-worker generator behind new trace and span ids: SplitMix64 over a
/// caller-owned `UInt64`, so drawing an id is a handful of multiplies with no
/// shared state, lock or allocation. Ids need to be unique, not secret (the
/// spec asks for randomness, not unpredictability), so a statistically good
/// 64-bit generator is enough; `seed()` takes the starting point from the
/// kernel once per worker.
public enum TraceContextRandom {
    /// A starting state from the system generator (getrandom), drawn once per
    /// worker at start-up.
    public static func seed() -> UInt64 {
        var system = SystemRandomNumberGenerator()
        return system.next()
    }

    /// The next 64 random bits; advances `state`.
    @inlinable
    public static func next(_ state: inout UInt64) -> UInt64 {
        // SplitMix64 (Steele, Lea, Flood 2014): a Weyl sequence through a
        // bijective mixer, so every state gives a distinct output.
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next non-zero value: an all-zero id is invalid (W3C Trace Context
    /// §3.2.2.3, §3.2.2.4). The mixer maps exactly one state in 2^64 to zero.
    @inlinable
    public static func nextNonZero(_ state: inout UInt64) -> UInt64 {
        var value = next(&state)
        while value == 0 { value = next(&state) }
        return value
    }
}
