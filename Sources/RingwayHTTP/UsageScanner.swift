import Glibc

/// Reads token counts out of an OpenAI-style response as it is relayed: the
/// `usage` object of a JSON answer or of a stream's final chunk. It looks for
/// `"prompt_tokens"` and `"completion_tokens"` (quotes included, so
/// `prompt_tokens_details` does not match) followed by `:` and digits, in
/// slices split anywhere; the last value seen wins, as the final chunk's
/// usage comes last. It only reads: nothing is held back.
public struct UsageScanner: Sendable {
    /// -1 until seen.
    public var promptTokens: Int { prompted }
    public var completionTokens: Int { completed }
    @usableFromInline var prompted = -1
    @usableFromInline var completed = -1

    @usableFromInline enum Phase: UInt8, Sendable { case key, colon, digits }

    @usableFromInline var prompt = KeyMatch()
    @usableFromInline var completion = KeyMatch()
    @usableFromInline var phase = Phase.key
    @usableFromInline var target: UInt8 = 0  // 1 = prompt, 2 = completion
    @usableFromInline var value = 0
    @usableFromInline var digits = 0
    /// The previous slice's last bytes (up to 11: a key's quote-to-underscore span).
    @usableFromInline var tail: (UInt64, UInt64) = (0, 0)
    @usableFromInline var tailCount: UInt8 = 0

    public init() {}

    public mutating func reset() { self = UsageScanner() }

    /// Both counts were seen.
    public var isComplete: Bool { promptTokens >= 0 && completionTokens >= 0 }

    /// Where the byte-at-a-time matcher runs: both keys hold a `_` (7 and 11
    /// bytes after their opening quote, 7 before their closing one), and
    /// answers hold few, so `memchr` finds the windows and every other byte
    /// is skipped at memory speed.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let n = bytes.count
        var i = 0
        if !isIdle { i = match(base, from: 0, to: 0, count: n) }
        while i < n, let found = memchr(base + i, 0x5F, n - i) {
            let underscore = UnsafeRawPointer(found) - base
            let from = underscore - 11
            if from >= i && underscore + 8 <= n {
                // The whole window is in this slice: compare words, and run
                // the byte matcher only on a key's colon and digits.
                guard let key = Self.keyAround(base + underscore) else {
                    i = underscore + 1
                    continue
                }
                phase = .colon
                target = key
                i = match(base, from: underscore + 8, to: underscore + 8, count: n)
                continue
            }
            // The key may have begun in the previous slice.
            if from < 0 && i == 0 { replayTail(upTo: -from) }
            i = match(base, from: max(from, i), to: min(underscore + 8, n), count: n)
        }
        keepTail(base, n)
    }

    /// 1 when `"prompt_tokens"` surrounds the `_` at `u`, 2 for
    /// `"completion_tokens"`, else nil. Reads 11 bytes before and 8 from `u`.
    @inline(__always)
    static func keyAround(_ u: UnsafeRawPointer) -> UInt8? {
        let tokens: StaticString = #"_tokens""#
        guard u.loadUnaligned(as: UInt64.self) == UnsafeRawPointer(tokens.utf8Start).loadUnaligned(as: UInt64.self)
        else { return nil }
        // `"prompt` is the 7 bytes before; the word read starts one earlier.
        let prompt: StaticString = #"?"prompt"#
        let mask: UInt64 = 0xFFFF_FFFF_FFFF_FF00
        if (u - 8).loadUnaligned(as: UInt64.self) & mask
            == UnsafeRawPointer(prompt.utf8Start).loadUnaligned(as: UInt64.self) & mask
        {
            return 1
        }
        let completion: StaticString = #""completion"#
        let c = UnsafeRawPointer(completion.utf8Start)
        if (u - 11).loadUnaligned(as: UInt64.self) == c.loadUnaligned(as: UInt64.self)
            && (u - 4).loadUnaligned(as: UInt32.self) == c.loadUnaligned(fromByteOffset: 7, as: UInt32.self)
        {
            return 2
        }
        return nil
    }

    /// No key partly matched and no value being read.
    @usableFromInline var isIdle: Bool { phase == .key && prompt.matched == 0 && completion.matched == 0 }

    /// Feeds `[from, to)`, then on past `to` until the matcher is idle;
    /// returns where it stopped.
    @usableFromInline mutating func match(_ base: UnsafeRawPointer, from: Int, to: Int, count n: Int) -> Int {
        var i = from
        while i < to || i < n && !isIdle {
            step(base.load(fromByteOffset: i, as: UInt8.self))
            i += 1
        }
        return i
    }

    /// The last bytes of the previous slice, fed again when a window reaches
    /// back into them. Harmless if they were fed before: a match depends on
    /// the stream's bytes alone, so at worst the same value is read twice.
    @usableFromInline mutating func replayTail(upTo count: Int) {
        let take = min(count, Int(tailCount))
        withUnsafeBytes(of: tail) { t in
            for k in (Int(tailCount) - take)..<Int(tailCount) { step(t[k]) }
        }
    }

    @usableFromInline mutating func keepTail(_ base: UnsafeRawPointer, _ n: Int) {
        let capacity = 11
        withUnsafeMutableBytes(of: &tail) { t in
            if n >= capacity {
                t.baseAddress!.copyMemory(from: base + (n - capacity), byteCount: capacity)
                tailCount = UInt8(capacity)
                return
            }
            // A short slice: the tail is the old one's end plus it.
            let keep = min(Int(tailCount), capacity - n)
            for k in 0..<keep { t[k] = t[Int(tailCount) - keep + k] }
            for k in 0..<n { t[keep + k] = base.load(fromByteOffset: k, as: UInt8.self) }
            tailCount = UInt8(keep + n)
        }
    }

    @usableFromInline mutating func step(_ b: UInt8) {
        let promptKey: StaticString = #""prompt_tokens""#
        let completionKey: StaticString = #""completion_tokens""#
        let p = promptKey.utf8Start, pn = promptKey.utf8CodeUnitCount
        let q = completionKey.utf8Start, qn = completionKey.utf8CodeUnitCount
        switch phase {
        case .key:
            if b != UInt8(ascii: "\"") && prompt.matched == 0 && completion.matched == 0 { return }
            if prompt.advance(b, p, pn) {
                phase = .colon
                target = 1
            } else if completion.advance(b, q, qn) {
                phase = .colon
                target = 2
            }
        case .colon:
            if b == UInt8(ascii: ":") {
                phase = .digits
                value = 0
                digits = 0
            } else if b != 0x20 && b != 0x09 && b != 0x0A && b != 0x0D {
                restart()
            }
        case .digits:
            if b &- 0x30 < 10 && digits < 12 {
                value = value &* 10 &+ Int(b &- 0x30)
                digits &+= 1
            } else if digits == 0 && (b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D) {
                return
            } else {
                if digits > 0 {
                    if target == 1 { prompted = value } else { completed = value }
                }
                restart()
                // This byte may start the next key.
                _ = prompt.advance(b, p, pn)
                _ = completion.advance(b, q, qn)
            }
        }
    }

    @usableFromInline mutating func restart() {
        phase = .key
        prompt = KeyMatch()
        completion = KeyMatch()
    }

    /// Progress through one key; the keys start with `"`, which appears
    /// nowhere else in them, so on a mismatch matching restarts at that byte.
    @usableFromInline struct KeyMatch: Sendable {
        @usableFromInline var matched = 0
        @usableFromInline init() {}

        @inlinable
        mutating func advance(_ b: UInt8, _ key: UnsafePointer<UInt8>, _ count: Int) -> Bool {
            if b == key[matched] {
                matched &+= 1
                if matched == count {
                    matched = 0
                    return true
                }
            } else {
                matched = b == key[0] ? 1 : 0
            }
            return false
        }
    }
}
