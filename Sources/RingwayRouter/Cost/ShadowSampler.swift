/// Decides which requests are mirrored to a shadow pool (`ShadowConfig`).
///
/// Deterministic by error diffusion rather than random: a 32-bit fixed-point
/// accumulator gains `fraction` per request and a request is mirrored each
/// time it passes a whole unit. Every window of n requests holds
/// n x fraction mirrors give or take one, evenly spaced — fraction 0.25
/// mirrors exactly every 4th request, 0.1 every 10th — so a shadow pool
/// sized for the fraction is never hit by a random burst, and tests are
/// exact. One per worker per shadow: a `mutating` counter, no atomics. All
/// workers start in phase, which is harmless: each mirrors its own share.
public struct ShadowSampler: Sendable, Equatable {
    private static let unit: UInt64 = 1 << 32
    /// fraction in 1/2^32 units.
    private let step: UInt64
    private var accumulator: UInt64 = 0

    /// `fraction` is clamped to 0...1; NaN mirrors nothing.
    public init(fraction: Double) {
        let clamped = fraction.isNaN ? 0 : min(max(fraction, 0), 1)
        step = UInt64((clamped * Double(Self.unit)).rounded())
    }

    /// Whether this request is mirrored.
    public mutating func next() -> Bool {
        accumulator &+= step
        guard accumulator >= Self.unit else { return false }
        accumulator &-= Self.unit
        return true
    }
}
