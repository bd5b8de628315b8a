#if canImport(Glibc)
import Glibc
#endif

/// Nanosecond clocks read through the vDSO (no syscall, no allocation).
public enum Clock {
    /// CLOCK_MONOTONIC: every latency and schedule time.
    @inline(__always)
    public static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    /// CLOCK_REALTIME: only to compare with timestamps another process wrote
    /// (the mock upstream's `mock_sent_ns`), which must share the wall clock.
    @inline(__always)
    public static func realtimeNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }
}
