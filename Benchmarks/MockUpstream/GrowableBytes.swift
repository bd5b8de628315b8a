/// A contiguous, growable byte buffer that response writers append to.
///
/// One is owned per use (a connection's output halves, its head carry, the
/// worker's scratch) and reused for every request, so once it has grown to
/// the largest response it serves, appending never allocates. It is a class
/// only so that several owners never copy it; every owner is one thread.
final class GrowableBytes {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
    var isEmpty: Bool { count == 0 }

    func removeAll() { count = 0 }

    /// Gives memory back after an unusually large response, so an idle
    /// connection does not keep a megabyte it needed once.
    func shrink(ifAbove limit: Int, to size: Int) {
        guard count == 0, capacity > limit else { return }
        base.deallocate()
        capacity = size
        base = .allocate(byteCount: size, alignment: 16)
    }

    /// Makes room for `extra` more bytes and returns where they go.
    @inline(__always) func reserve(_ extra: Int) -> UnsafeMutableRawPointer {
        if count &+ extra > capacity { grow(count &+ extra) }
        return base + count
    }

    private func grow(_ needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed { newCapacity &*= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always) func append(_ p: UnsafeRawPointer, _ n: Int) {
        guard n > 0 else { return }
        reserve(n).copyMemory(from: p, byteCount: n)
        count &+= n
    }

    @inline(__always) func append(_ buffer: UnsafeRawBufferPointer) {
        if let p = buffer.baseAddress { append(p, buffer.count) }
    }

    @inline(__always) func append(_ literal: StaticString) {
        append(literal.utf8Start, literal.utf8CodeUnitCount)
    }

    func append(_ other: GrowableBytes) { append(other.base, other.count) }

    @inline(__always) func append(byte: UInt8) {
        reserve(1).storeBytes(of: byte, as: UInt8.self)
        count &+= 1
    }

    /// `n` copies of `byte`.
    func append(repeating byte: UInt8, count n: Int) {
        guard n > 0 else { return }
        reserve(n).initializeMemory(as: UInt8.self, repeating: byte, count: n)
        count &+= n
    }

    /// Decimal digits of a non-negative value.
    func appendDecimal<T: BinaryInteger>(_ value: T) {
        var v = UInt64(truncatingIfNeeded: value)
        var digits = 1
        var rest = v / 10
        while rest > 0 { digits &+= 1; rest /= 10 }
        let at = reserve(digits)
        var k = digits
        repeat {
            k &-= 1
            at.storeBytes(of: UInt8(truncatingIfNeeded: v % 10) &+ 0x30, toByteOffset: k, as: UInt8.self)
            v /= 10
        } while k > 0
        count &+= digits
    }

    /// Lower-case hex digits (chunk sizes).
    func appendHex(_ value: Int) {
        var digits = 1
        var rest = value >> 4
        while rest > 0 { digits &+= 1; rest >>= 4 }
        let at = reserve(digits)
        var v = value
        var k = digits
        repeat {
            k &-= 1
            at.storeBytes(of: hexDigit(v & 15), toByteOffset: k, as: UInt8.self)
            v >>= 4
        } while k > 0
        count &+= digits
    }

    /// The bytes as JSON string content, escaped the way Python's `json.dumps`
    /// does by default (`ensure_ascii`): quotes, backslashes, control bytes and
    /// every byte above 0x7F (read as Latin-1, like the fixture's headers).
    func appendJSONEscaped(_ p: UnsafeRawPointer, _ n: Int) {
        for i in 0..<n {
            let b = p.load(fromByteOffset: i, as: UInt8.self)
            switch b {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x20..<0x7F: append(byte: b)
            default:
                append("\\u00")
                append(byte: hexDigit(Int(b >> 4)))
                append(byte: hexDigit(Int(b & 15)))
            }
        }
    }
}

@inline(__always) func hexDigit(_ v: Int) -> UInt8 {
    v < 10 ? UInt8(truncatingIfNeeded: v) &+ 0x30 : UInt8(truncatingIfNeeded: v) &+ 0x57
}
