/// The writer's output bytes: one growable block, reused for every batch so
/// a steady stream of lines allocates nothing. It grows only when a single
/// batch outgrows it (unusually long names), never shrinks, and is freed
/// explicitly by its owner.
struct AccessLogBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 256)
        base = .allocate(byteCount: self.capacity, alignment: 16)
    }

    func deallocate() { base.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Makes room for `n` more bytes. Inlined: every append of every line
    /// asks, and almost always the room is there.
    @inline(__always)
    mutating func reserve(_ n: Int) {
        if capacity - count < n { grow(n) }
    }

    @inline(never)
    private mutating func grow(_ n: Int) {
        var size = capacity * 2
        while size - count < n { size *= 2 }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        grown.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = grown
        capacity = size
    }

    mutating func append(_ byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let from = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (base + count).copyMemory(from: from, byteCount: bytes.count)
        count += bytes.count
    }

    mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { append(UnsafeRawBufferPointer($0)) }
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Decimal digits of `value`.
    mutating func appendDecimal(_ value: UInt64) {
        var digits = 1
        var rest = value / 10
        while rest > 0 { digits += 1; rest /= 10 }
        reserve(digits)
        var v = value
        var k = count + digits
        repeat {
            k -= 1
            base.storeBytes(of: UInt8(truncatingIfNeeded: v % 10) &+ 0x30, toByteOffset: k, as: UInt8.self)
            v /= 10
        } while v > 0
        count += digits
    }

    /// Exactly `width` decimal digits of `value` (< 10^width), zero-padded.
    mutating func appendDecimal(_ value: UInt64, width: Int) {
        reserve(width)
        var v = value
        var k = count + width
        while k > count {
            k -= 1
            base.storeBytes(of: UInt8(truncatingIfNeeded: v % 10) &+ 0x30, toByteOffset: k, as: UInt8.self)
            v /= 10
        }
        count += width
    }

    /// `width` lowercase hex digits of `value`.
    mutating func appendHex(_ value: UInt64, width: Int) {
        reserve(width)
        var v = value
        var k = count + width
        while k > count {
            k -= 1
            let nibble = UInt8(truncatingIfNeeded: v & 0xF)
            base.storeBytes(of: nibble < 10 ? nibble &+ 0x30 : nibble &+ 0x57, toByteOffset: k, as: UInt8.self)
            v >>= 4
        }
        count += width
    }
}
