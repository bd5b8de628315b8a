import CRingwayEngine

/// The worker's provided receive buffers, with a reference count per buffer.
///
/// A buffer filled by a receive may be referenced by the connection that is
/// parsing it and by one or more queued sends that relay slices of it without
/// copying. It goes back to the kernel's ring only when the last reference is
/// dropped — after the last send that points into it has completed.
public final class ProvidedBuffers {
    /// nil for a test pool: buffers "returned to the kernel" are recorded in
    /// `recycled` instead.
    @usableFromInline let backend: OpaquePointer?
    public private(set) var recycled: [UInt16] = []
    public let base: UnsafeMutablePointer<UInt8>
    public let size: Int
    public let count: Int
    @usableFromInline let references: UnsafeMutablePointer<UInt16>
    /// Buffers currently out of the kernel's ring (for accounting and tests).
    @usableFromInline var _inUse = 0
    public var inUse: Int { _inUse }

    // Worker-owned blocks (held request bodies) share the reference counting:
    // ids `count..<65536` name them, so a queued send segment keeps a block
    // alive exactly as it keeps a receive buffer alive. Their memory is the
    // worker's, kept for reuse, never the kernel's.
    public static let blockSize = 64 * 1024
    @usableFromInline var blockMemory: [UnsafeMutableRawPointer] = []
    @usableFromInline var blockReferences: [UInt16] = []
    @usableFromInline var freeBlocks: [UInt16] = []
    public var blocksInUse: Int { blockMemory.count - freeBlocks.count }

    /// A pool with no kernel behind it, for state-machine tests.
    public static func forTesting(size: Int, count: Int) -> ProvidedBuffers {
        let base = UnsafeMutablePointer<UInt8>.allocate(capacity: size * count)
        return ProvidedBuffers(backend: nil, base: base, size: size, count: count)
    }

    init(backend: OpaquePointer?, base: UnsafeMutablePointer<UInt8>, size: Int, count: Int) {
        self.backend = backend
        self.base = base
        self.size = size
        self.count = count
        references = .allocate(capacity: count)
        references.initialize(repeating: 0, count: count)
    }

    /// The buffer memory itself belongs to the C backend unless this is a
    /// test pool.
    deinit {
        for block in blockMemory { block.deallocate() }
        references.deallocate()
        if backend == nil { base.deallocate() }
    }

    @usableFromInline func recordRecycled(_ bid: UInt16) { recycled.append(bid) }

    @inlinable public func pointer(_ bid: UInt16) -> UnsafeMutablePointer<UInt8> {
        base + Int(bid) &* size
    }

    /// Takes ownership of a buffer the kernel just filled (one reference).
    @inlinable public func adopt(_ bid: UInt16) {
        references[Int(bid)] = 1
        _inUse &+= 1
    }

    /// A completion for a connection that is already gone may still carry a
    /// filled buffer: it goes straight back to the kernel.
    @inlinable public func returnUnclaimed(flags: UInt32) {
        guard flags & RW_CQE_F_BUFFER != 0 else { return }
        let bid = UInt16(truncatingIfNeeded: flags >> RW_CQE_BUFFER_SHIFT)
        adopt(bid)
        release(bid)
    }

    /// A block for bytes the worker must keep (one reference), or nil when
    /// every id is taken.
    public func takeBlock() -> (bid: UInt16, base: UnsafeMutableRawPointer)? {
        let index: Int
        if let free = freeBlocks.popLast() {
            index = Int(free)
        } else {
            guard count + blockMemory.count <= Int(UInt16.max) else { return nil }
            blockMemory.append(.allocate(byteCount: Self.blockSize, alignment: 64))
            blockReferences.append(0)
            index = blockMemory.count - 1
        }
        blockReferences[index] = 1
        return (UInt16(count + index), blockMemory[index])
    }

    @inlinable public func retain(_ bid: UInt16) {
        if Int(bid) >= count {
            blockReferences[Int(bid) &- count] &+= 1
            return
        }
        references[Int(bid)] &+= 1
    }

    @inlinable public func release(_ bid: UInt16) {
        if Int(bid) >= count { return releaseBlock(bid) }
        let left = references[Int(bid)] &- 1
        references[Int(bid)] = left
        if left == 0 {
            _inUse &-= 1
            if let backend { rw_backend_buffer_recycle(backend, bid) } else { recordRecycled(bid) }
        }
    }

    @usableFromInline func releaseBlock(_ bid: UInt16) {
        let index = Int(bid) - count
        let left = blockReferences[index] - 1
        blockReferences[index] = left
        if left == 0 { freeBlocks.append(UInt16(index)) }
    }
}
