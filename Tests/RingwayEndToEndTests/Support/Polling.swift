/// Re-evaluates `condition` every 10 ms until it holds or `timeoutMs` passes; returns the last result.
func eventually(timeoutMs: Int, _ condition: () throws -> Bool) rethrows -> Bool {
    let start = monotonicNanos()
    while true {
        if try condition() { return true }
        if millisSince(start) > Double(timeoutMs) { return false }
        sleepMillis(10)
    }
}
