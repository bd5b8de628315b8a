/// The affinity hash over a bounded prefix of the content stream (the
/// counted strings' raw bytes, a 0x1E byte between strings).
///
/// FNV-1a's xor-then-multiply, but on 64-bit little-endian words of the
/// stream with a dense odd multiplier and an xor-shift per word, then the
/// stream length and murmur3's fmix64 finalizer. Measured on a 2 KiB chat
/// body (ringway-microbench body-inspect-chat-2k): byte-at-a-time FNV-1a-64
/// over a 2 KiB prefix cost about 4.5 µs, four times the rest of the
/// inspection, because every byte waits on the previous multiply; a word per
/// multiply costs an eighth of that. Each step is a bijection of the state
/// for a given word, so streams of equal length that differ in one word never
/// collide, and the finalizer lets the router use any bits of the result.
///
/// Words are cut from the stream, not from the slices: bytes that do not yet
/// fill a word wait in `tail`, so the hash does not depend on where the body
/// was split or where strings start.
struct PrefixHasher {
    static let seed: UInt64 = 0xCBF2_9CE4_8422_2325       // FNV-1a-64 offset basis
    static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15 // odd, bits spread over the word
    static let separator: UInt8 = 0x1E

    var state: UInt64 = PrefixHasher.seed
    /// Stream bytes not yet mixed, packed little-endian; `tailCount` of them.
    var tail: UInt64 = 0
    var tailCount = 0
    /// Stream bytes mixed or waiting, separators included.
    var streamBytes = 0
    /// Content bytes hashed so far; separators do not count.
    var hashedBytes = 0
    /// Content bytes to hash in all.
    var budget = 0
    /// Whether a string has been hashed, so the next one gets a separator.
    var startedString = false

    init(budget: Int) {
        self.budget = max(budget, 0)
    }

    /// Called at the start of each counted string.
    @inline(__always)
    mutating func beginString() {
        if hashedBytes >= budget { return }
        if startedString { push(Self.separator) }
        startedString = true
    }

    @inline(__always)
    static func mix(_ state: UInt64, _ word: UInt64) -> UInt64 {
        let h = (state ^ word) &* multiplier
        return h ^ (h >> 32)
    }

    @inline(__always)
    mutating func push(_ byte: UInt8) {
        tail |= UInt64(byte) << UInt64(tailCount &* 8)
        tailCount &+= 1
        streamBytes &+= 1
        if tailCount == 8 {
            state = Self.mix(state, tail)
            tail = 0
            tailCount = 0
        }
    }

    /// Hashes `[from, to)` of `base`, or as much of it as the budget allows.
    @inline(__always)
    mutating func absorb(_ base: UnsafeRawPointer, from: Int, to: Int) {
        let count = min(to &- from, budget &- hashedBytes)
        if count <= 0 { return }
        hashedBytes &+= count
        var i = from
        let end = from &+ count
        while tailCount != 0 && i < end {
            push(base.load(fromByteOffset: i, as: UInt8.self))
            i &+= 1
        }
        let wordsStart = i
        var h = state
        while end &- i >= 8 {
            h = Self.mix(h, ByteScan.load(base, i))
            i &+= 8
        }
        state = h
        streamBytes &+= i &- wordsStart
        while i < end {
            push(base.load(fromByteOffset: i, as: UInt8.self))
            i &+= 1
        }
    }

    /// The finished hash.
    var value: UInt64 {
        var h = state
        if tailCount > 0 { h = Self.mix(h, tail) }
        // The length tells "a" from "a\0": both leave the same tail word.
        h = Self.mix(h, UInt64(truncatingIfNeeded: streamBytes))
        return avalanche(h)
    }
}
