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

    public init() {}

    public mutating func reset() { self = UsageScanner() }

    /// Both counts were seen.
    public var isComplete: Bool { promptTokens >= 0 && completionTokens >= 0 }

    @inlinable
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        let promptKey: StaticString = #""prompt_tokens""#
        let completionKey: StaticString = #""completion_tokens""#
        let p = promptKey.utf8Start, pn = promptKey.utf8CodeUnitCount
        let q = completionKey.utf8Start, qn = completionKey.utf8CodeUnitCount
        for b in bytes {
            switch phase {
            case .key:
                // Most bytes are no key's start and no match is under way:
                // one compare and on (keys open with a quote).
                if b != UInt8(ascii: "\"") && prompt.matched == 0 && completion.matched == 0 { continue }
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
                    continue
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
