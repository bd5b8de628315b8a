/// Appends bytes to a caller-provided buffer. On the first append that does
/// not fit it stops writing and remembers the overflow, so serializers write
/// straight through and check once at the end (`result` is then nil).
@usableFromInline
struct ByteWriter {
    @usableFromInline let base: UnsafeMutableRawPointer?
    @usableFromInline let capacity: Int
    @usableFromInline var count: Int = 0
    @usableFromInline var overflowed = false

    @inlinable
    init(_ out: UnsafeMutableRawBufferPointer) {
        base = out.baseAddress
        capacity = out.count
    }

    /// Bytes written, or nil if something did not fit.
    @inlinable
    var result: Int? { overflowed ? nil : count }

    @inlinable
    mutating func reserve(_ n: Int) -> UnsafeMutableRawPointer? {
        guard !overflowed, n <= capacity &- count, let base else {
            if n > 0 { overflowed = true }
            return nil
        }
        let at = base + count
        count &+= n
        return at
    }

    @inlinable
    mutating func append(_ bytes: UnsafeRawPointer?, count n: Int) {
        guard n > 0, let bytes else { return }
        if let at = reserve(n) { at.copyMemory(from: bytes, byteCount: n) }
    }

    @inlinable
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        append(bytes.baseAddress, count: bytes.count)
    }

    @inlinable
    mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { append(UnsafeRawPointer($0.baseAddress), count: $0.count) }
    }

    @inlinable
    mutating func append(_ range: ByteRange, of source: UnsafeRawPointer) {
        append(source + Int(range.start), count: range.count)
    }

    @inlinable
    mutating func append(byte: UInt8) {
        if let at = reserve(1) { at.storeBytes(of: byte, as: UInt8.self) }
    }

    @inlinable
    mutating func appendCRLF() {
        if let at = reserve(2) {
            at.storeBytes(of: ASCII.cr, as: UInt8.self)
            at.storeBytes(of: ASCII.lf, toByteOffset: 1, as: UInt8.self)
        }
    }

    /// `name: value CRLF` copied from the parsed buffer, name case preserved.
    @inlinable
    mutating func appendField(_ field: HeaderField, of source: UnsafeRawPointer) {
        let nameCount = field.name.count
        let valueCount = field.value.count
        guard let at = reserve(nameCount &+ valueCount &+ 4) else { return }
        at.copyMemory(from: source + Int(field.name.start), byteCount: nameCount)
        at.storeBytes(of: ASCII.colon, toByteOffset: nameCount, as: UInt8.self)
        at.storeBytes(of: ASCII.space, toByteOffset: nameCount &+ 1, as: UInt8.self)
        (at + (nameCount &+ 2)).copyMemory(from: source + Int(field.value.start), byteCount: valueCount)
        at.storeBytes(of: ASCII.cr, toByteOffset: nameCount &+ valueCount &+ 2, as: UInt8.self)
        at.storeBytes(of: ASCII.lf, toByteOffset: nameCount &+ valueCount &+ 3, as: UInt8.self)
    }

    /// Decimal digits of a non-negative value.
    @inlinable
    mutating func appendDecimal(_ value: Int64) {
        var digits = 1
        var rest = value / 10
        while rest > 0 { digits &+= 1; rest /= 10 }
        guard let at = reserve(digits) else { return }
        var v = value
        var k = digits
        repeat {
            k &-= 1
            at.storeBytes(of: UInt8(truncatingIfNeeded: v % 10) &+ 0x30, toByteOffset: k, as: UInt8.self)
            v /= 10
        } while k > 0
    }
}
