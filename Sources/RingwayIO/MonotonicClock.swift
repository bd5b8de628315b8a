import CRingwayEngine

/// CLOCK_MONOTONIC in nanoseconds: read once per loop turn, not per event.
@inlinable public func monotonicNanoseconds() -> UInt64 { rw_monotonic_ns() }
