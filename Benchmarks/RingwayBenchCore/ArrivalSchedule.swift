#if canImport(Glibc)
import Glibc
#endif

/// Intended send times of an open-loop run, in monotonic nanoseconds.
///
/// Uniform arrivals put request i at `start + i × period` (computed from i, not by
/// adding periods, so rounding never drifts). Poisson arrivals add exponential gaps
/// of mean `period` drawn from a seeded generator. Either way the times are fixed
/// in advance: when the generator or the server stalls, requests become late but
/// are still timed from when they should have been sent (no coordinated omission).
public struct ArrivalSchedule: Sendable {
    public let start: UInt64
    let rate: Double
    let period: Double
    let poisson: Bool
    var random: SeededGenerator
    var poissonOffset: Double = 0
    /// How many requests have been taken from the schedule.
    public private(set) var index: UInt64 = 0
    /// Intended send time of the next request.
    public private(set) var next: UInt64

    public init(start: UInt64, ratePerSecond: Double, poisson: Bool, seed: UInt64) {
        precondition(ratePerSecond > 0, "an open-loop schedule needs a positive rate")
        self.start = start
        self.rate = ratePerSecond
        self.period = 1e9 / ratePerSecond
        self.poisson = poisson
        self.random = SeededGenerator(seed: seed)
        self.next = start
        if poisson { advancePoisson() }
    }

    /// Moves `next` to the following request's intended time.
    public mutating func advance() {
        index += 1
        if poisson {
            advancePoisson()
        } else {
            // index × 1e9 is exact below 2^53; one division rounds once.
            next = start + UInt64(Double(index) * 1e9 / rate)
        }
    }

    private mutating func advancePoisson() {
        // Inverse-transform sampling: -ln(1 - U) is exponential with mean 1.
        poissonOffset += -log(1 - random.nextUnitInterval()) * period
        next = start + UInt64(poissonOffset)
    }
}
