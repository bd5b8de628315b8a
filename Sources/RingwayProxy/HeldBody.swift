import RingwayIO

/// A request body the proxy keeps until the response starts: model routes
/// inspect it before choosing an upstream, and a retry sends it again.
///
/// It is a copy, in 64 KiB blocks from the worker's `ProvidedBuffers`, not a
/// hold on the receive buffers: a request may wait minutes for its first
/// response byte, and receive buffers pinned that long would starve every
/// connection of the worker. Blocks are reference counted like receive
/// buffers: each queued send segment holds one, so releasing the body while
/// a send to a closing upstream is still in flight cannot hand the bytes to
/// another request.
///
///     offset:  0            B            2B     total
///     blocks: [ block 0    ][ block 1    ][ blo… ]
struct HeldBody {
    static let blockSize = ProvidedBuffers.blockSize
    private(set) var blocks: [(bid: UInt16, base: UnsafeMutableRawPointer)] = []
    private(set) var total: Int64 = 0

    var isEmpty: Bool { total == 0 }

    /// False when the worker ran out of block ids (the body is then cut
    /// short and must not be used).
    mutating func append(_ bytes: UnsafeRawBufferPointer, buffers: ProvidedBuffers) -> Bool {
        var from = 0
        while from < bytes.count {
            let used = Int(total % Int64(Self.blockSize))
            if used == 0 && Int(total / Int64(Self.blockSize)) == blocks.count {
                guard let block = buffers.takeBlock() else { return false }
                blocks.append(block)
            }
            let block = blocks[Int(total / Int64(Self.blockSize))].base
            let n = min(Self.blockSize - used, bytes.count - from)
            (block + used).copyMemory(from: bytes.baseAddress! + from, byteCount: n)
            from += n
            total += Int64(n)
        }
        return true
    }

    /// Calls `body` with the held bytes in `range`, block by block, with the
    /// block's id for the segment that will reference it.
    func forEachSlice(in range: Range<Int64>, _ body: (UnsafeRawPointer, Int, UInt16) -> Void) {
        var at = range.lowerBound
        while at < range.upperBound {
            let b = Int(at / Int64(Self.blockSize))
            let within = Int(at % Int64(Self.blockSize))
            let n = Int(min(Int64(Self.blockSize - within), range.upperBound - at))
            body(UnsafeRawPointer(blocks[b].base + within), n, blocks[b].bid)
            at += Int64(n)
        }
    }

    /// Drops this body's references; blocks still referenced by queued
    /// sends stay alive until those complete.
    mutating func release(_ buffers: ProvidedBuffers) {
        for block in blocks { buffers.release(block.bid) }
        blocks.removeAll(keepingCapacity: true)
        total = 0
    }
}
