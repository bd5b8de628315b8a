import Glibc

/// A growable byte region owned by one connection for the rare bytes that must
/// be copied or composed: a head that spans receive buffers, and the rewritten
/// heads sent on each side. Arenas come from the worker's `ArenaPool` and go
/// back to it when the connection is idle, so 10,000 idle keep-alive
/// connections hold none.
struct ByteArena {
    private(set) var base: UnsafeMutableRawPointer?
    private(set) var capacity = 0
    var count = 0

    var isAllocated: Bool { base != nil }
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
    var spare: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: base.map { $0 + count }, count: capacity - count)
    }

    /// Makes room for `needed` bytes in total, keeping the contents.
    mutating func reserve(_ needed: Int, pool: inout ArenaPool) {
        if base == nil { (base, capacity) = pool.take() }
        if needed > capacity {
            var newCapacity = capacity
            while newCapacity < needed { newCapacity *= 2 }
            base = realloc(base, newCapacity)
            capacity = newCapacity
        }
    }

    mutating func append(_ source: UnsafeRawBufferPointer, pool: inout ArenaPool) {
        reserve(count + source.count, pool: &pool)
        (base! + count).copyMemory(from: source.baseAddress!, byteCount: source.count)
        count += source.count
    }

    mutating func giveBack(to pool: inout ArenaPool) {
        if let base { pool.put(base, capacity: capacity) }
        base = nil
        capacity = 0
        count = 0
    }
}

/// The worker's free list of arenas: allocation happens only while the number
/// of busy connections is still growing.
struct ArenaPool {
    let blockSize: Int
    let keepAtMost: Int
    private var free: [UnsafeMutableRawPointer] = []

    init(blockSize: Int, keepAtMost: Int) {
        self.blockSize = blockSize
        self.keepAtMost = keepAtMost
        free.reserveCapacity(keepAtMost)
    }

    mutating func take() -> (UnsafeMutableRawPointer, Int) {
        if let block = free.popLast() { return (block, blockSize) }
        return (malloc(blockSize)!, blockSize)
    }

    /// Oversized arenas (a huge head) are released rather than kept.
    mutating func put(_ block: UnsafeMutableRawPointer, capacity: Int) {
        if capacity == blockSize && free.count < keepAtMost { free.append(block) } else { Glibc.free(block) }
    }
}
