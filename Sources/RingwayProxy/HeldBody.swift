import Glibc

/// A request body the proxy keeps until the response starts: model routes
/// inspect it before choosing an upstream, and a retry sends it again.
///
/// It is a copy, in fixed blocks from the worker's pool, not a hold on the
/// receive buffers: a request may wait minutes for its first response byte,
/// and receive buffers pinned that long would starve every connection of the
/// worker. Blocks never move, so queued send segments can point into them.
///
///     offset:  0            B            2B     total
///     blocks: [ block 0    ][ block 1    ][ blo… ]
struct HeldBody {
    static let blockSize = 64 * 1024
    private(set) var blocks: [UnsafeMutableRawPointer] = []
    private(set) var total: Int64 = 0

    var isEmpty: Bool { total == 0 }

    mutating func append(_ bytes: UnsafeRawBufferPointer, pool: inout ArenaPool) {
        var from = 0
        while from < bytes.count {
            let used = Int(total % Int64(Self.blockSize))
            if used == 0 && Int(total / Int64(Self.blockSize)) == blocks.count { blocks.append(pool.take().0) }
            let block = blocks[Int(total / Int64(Self.blockSize))]
            let n = min(Self.blockSize - used, bytes.count - from)
            (block + used).copyMemory(from: bytes.baseAddress! + from, byteCount: n)
            from += n
            total += Int64(n)
        }
    }

    /// Calls `body` with the held bytes in `range`, block by block.
    func forEachSlice(in range: Range<Int64>, _ body: (UnsafeRawPointer, Int) -> Void) {
        var at = range.lowerBound
        while at < range.upperBound {
            let b = Int(at / Int64(Self.blockSize))
            let within = Int(at % Int64(Self.blockSize))
            let n = Int(min(Int64(Self.blockSize - within), range.upperBound - at))
            body(UnsafeRawPointer(blocks[b] + within), n)
            at += Int64(n)
        }
    }

    mutating func release(to pool: inout ArenaPool) {
        for block in blocks { pool.put(block, capacity: Self.blockSize) }
        blocks.removeAll(keepingCapacity: true)
        total = 0
    }
}
