/// A read-only map from byte strings to small integers, looked up with bytes
/// straight from a request (a model name, an API key) without building a
/// `String` or an `Array` key: open addressing over a power-of-two table,
/// built once per configuration.
public struct ByteKeyTable: Sendable {
    /// All keys back to back; entry i's key is `keys[offsets[i]..<offsets[i + 1]]`.
    private let keys: [UInt8]
    private let offsets: [Int]
    private let values: [Int32]
    private let hashes: [UInt64]
    /// Entry index + 1 per slot; 0 = empty.
    private let slots: [Int32]
    private let mask: Int

    public init(_ entries: [(key: [UInt8], value: Int)]) {
        var keys: [UInt8] = []
        var offsets = [0]
        var values: [Int32] = []
        var hashes: [UInt64] = []
        for e in entries {
            keys.append(contentsOf: e.key)
            offsets.append(keys.count)
            values.append(Int32(e.value))
            hashes.append(e.key.withUnsafeBytes { Self.hash($0) })
        }
        var size = 8
        while size < entries.count * 2 { size <<= 1 }
        var slots = [Int32](repeating: 0, count: size)
        let mask = size - 1
        for (i, h) in hashes.enumerated() {
            var s = Int(truncatingIfNeeded: h) & mask
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = Int32(i + 1)
        }
        self.keys = keys
        self.offsets = offsets
        self.values = values
        self.hashes = hashes
        self.slots = slots
        self.mask = mask
    }

    public var count: Int { values.count }

    /// The value stored for `key`, or nil. The first entry wins for a key
    /// given twice (the config validator refuses duplicates anyway).
    @inlinable
    public func value(for key: UnsafeRawBufferPointer) -> Int? { lookup(key) }

    @usableFromInline
    func lookup(_ key: UnsafeRawBufferPointer) -> Int? {
        let h = Self.hash(key)
        var s = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { slots in
            keys.withUnsafeBytes { keys in
                while true {
                    let entry = Int(slots[s])
                    if entry == 0 { return nil }
                    let i = entry - 1
                    if hashes[i] == h {
                        let start = offsets[i]
                        let n = offsets[i + 1] - start
                        if n == key.count && (n == 0 || memcmp(keys.baseAddress! + start, key.baseAddress!, n) == 0) {
                            return Int(values[i])
                        }
                    }
                    s = (s + 1) & mask
                }
            }
        }
    }

    /// FNV-1a with a final avalanche: keys are short and few, so speed beats
    /// strength; the mix keeps the low bits (the slot) well spread.
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }
}

@usableFromInline
func memcmp(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Int32 {
    var i = 0
    while i < n {
        let x = a.load(fromByteOffset: i, as: UInt8.self)
        let y = b.load(fromByteOffset: i, as: UInt8.self)
        if x != y { return x < y ? -1 : 1 }
        i += 1
    }
    return 0
}
