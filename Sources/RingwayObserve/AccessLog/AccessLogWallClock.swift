import Glibc

/// The wall clock for `AccessLogRecord.timestampNs`. CLOCK_REALTIME is read
/// through the vDSO (no syscall, tens of ns); a worker can read it once per
/// loop turn and stamp every request of that turn with it.
public enum AccessLogWallClock {
    @inlinable
    public static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }
}
