import Glibc

/// Nanoseconds on CLOCK_MONOTONIC: arrival times that wall-clock steps cannot disturb.
func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func millisSince(_ start: UInt64) -> Double {
    Double(monotonicNanos() - start) / 1_000_000
}

func sleepMillis(_ ms: Int) {
    usleep(UInt32(ms * 1000))
}
