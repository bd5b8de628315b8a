/// Watches bytes as they arrive for the end of a head (an empty line), so a
/// head that trickles in one byte per packet is parsed once when complete
/// instead of once per packet — re-parsing 64 KiB per byte would hand a
/// slowloris client a quadratic amount of our CPU.
///
/// Bare-LF endings count as an end too: the strict parser then rejects them.
struct HeadEndScanner {
    private var lastTwo: UInt16 = 0

    mutating func reset() { lastTwo = 0 }

    /// True when `bytes` completes a line that is empty.
    mutating func sawEnd(in bytes: UnsafeRawBufferPointer) -> Bool {
        var found = false
        for b in bytes {
            if b == 0x0A {
                let previous = UInt8(truncatingIfNeeded: lastTwo)
                let beforeThat = UInt8(truncatingIfNeeded: lastTwo >> 8)
                if previous == 0x0A || (previous == 0x0D && beforeThat == 0x0A) { found = true }
            }
            lastTwo = lastTwo << 8 | UInt16(b)
        }
        return found
    }
}
