/// What a completion belongs to, packed into the 64-bit `user_data` the kernel
/// hands back:
///
///     63      56 55                  32 31                             0
///     +---------+----------------------+--------------------------------+
///     |   tag   |  slot generation     |          slot index            |
///     +---------+----------------------+--------------------------------+
///
/// The generation changes each time a slot is reused, so a completion that
/// arrives for a connection already gone is recognised as stale and dropped
/// instead of being applied to the slot's new owner.
public struct UserData: Equatable, Sendable {
    public var raw: UInt64

    @inlinable public init(raw: UInt64) { self.raw = raw }

    @inlinable public init(tag: UInt8, slot: Int32, generation: UInt32) {
        raw = UInt64(tag) << 56 | UInt64(generation & 0xFF_FFFF) << 32 | UInt64(UInt32(bitPattern: slot))
    }

    /// A slot's next generation. It wraps within the 24 bits user_data
    /// carries, so a slot's stored generation always compares equal to the
    /// one decoded from its completions, however often the slot is reused.
    @inlinable public static func nextGeneration(after generation: UInt32) -> UInt32 {
        (generation &+ 1) & 0xFF_FFFF
    }

    @inlinable public var tag: UInt8 { UInt8(truncatingIfNeeded: raw >> 56) }
    @inlinable public var slot: Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: raw)) }
    @inlinable public var generation: UInt32 { UInt32(truncatingIfNeeded: raw >> 32) & 0xFF_FFFF }
}
