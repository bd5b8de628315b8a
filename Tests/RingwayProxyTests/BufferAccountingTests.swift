import Testing
@testable import RingwayIO
@testable import RingwayProxy

/// Every provided buffer must go back to the kernel exactly once, after the
/// last slice relayed from it has been sent — no leak, no early reuse.
@Suite struct BufferAccountingTests {
    static func makeBackend() throws -> CompletionBackend {
        var config = BackendConfig()
        config.ringEntries = 64
        config.bufferSize = 1024
        config.bufferCount = 16
        return try CompletionBackend(config: config)
    }

    @Test func aBufferReturnsOnlyAfterItsLastReference() throws {
        let backend = try Self.makeBackend()
        let buffers = backend.buffers
        buffers.adopt(3)
        buffers.retain(3)
        buffers.retain(3)
        #expect(buffers.inUse == 1)
        buffers.release(3)
        buffers.release(3)
        #expect(buffers.inUse == 1)
        buffers.release(3)
        #expect(buffers.inUse == 0)
    }

    @Test func sendQueueReleasesSegmentsAsPartialSendsComplete() throws {
        let backend = try Self.makeBackend()
        let buffers = backend.buffers
        let queue = SendQueue()
        for bid in UInt16(0)..<3 {
            buffers.adopt(bid)
            queue.append(Segment(base: UnsafeRawPointer(buffers.pointer(bid)), length: 100, bid: Int32(bid)))
        }
        #expect(queue.queuedBytes == 300)
        #expect(buffers.inUse == 3)
        // A short send that ends inside the second segment frees only the first.
        queue.complete(sent: 150, buffers: buffers)
        #expect(buffers.inUse == 2)
        #expect(queue.count == 2)
        #expect(queue.queuedBytes == 150)
        queue.complete(sent: 150, buffers: buffers)
        #expect(buffers.inUse == 0)
        #expect(queue.isIdle)
    }

    @Test func sendQueueKeepsOrderAcrossGrowth() throws {
        let backend = try Self.makeBackend()
        let queue = SendQueue()
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 1)
        defer { bytes.deallocate() }
        for i in 0..<40 { queue.append(Segment(base: UnsafeRawPointer(bytes + i), length: 1, bid: -1)) }
        #expect(queue.count == 40)
        queue.complete(sent: 5, buffers: backend.buffers)
        for i in 40..<60 { queue.append(Segment(base: UnsafeRawPointer(bytes + (i % 64)), length: 1, bid: -1)) }
        #expect(queue.count == 55)
        #expect(queue.queuedBytes == 55)
        queue.discard(buffers: backend.buffers)
        #expect(queue.count == 0)
        #expect(queue.queuedBytes == 0)
    }

    @Test func inboundQueueConsumesAcrossEntriesAndReleasesEmptiedBuffers() throws {
        let backend = try Self.makeBackend()
        let buffers = backend.buffers
        var inbound = InboundQueue()
        for bid in UInt16(4)..<7 {
            buffers.adopt(bid)
            inbound.append(Segment(base: UnsafeRawPointer(buffers.pointer(bid)), length: 10, bid: Int32(bid)))
        }
        inbound.consume(15, buffers: buffers)
        #expect(buffers.inUse == 2)
        #expect(inbound.bytes == 15)
        #expect(inbound.first?.length == 5)
        // A relayed slice holds its own reference past consumption.
        buffers.retain(5)
        inbound.consume(5, buffers: buffers)
        #expect(buffers.inUse == 2)
        buffers.release(5)
        #expect(buffers.inUse == 1)
        inbound.discard(buffers: buffers)
        #expect(buffers.inUse == 0)
        #expect(inbound.isEmpty)
    }
}

@Suite struct HeadEndScannerTests {
    func scan(_ pieces: [String]) -> [Bool] {
        var scanner = HeadEndScanner()
        return pieces.map { piece in
            Array(piece.utf8).withUnsafeBytes { scanner.sawEnd(in: $0) }
        }
    }

    @Test func findsTheBlankLineWhereverPacketsSplitIt() {
        let head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"
        let chars = head.map(String.init)
        let results = scan(chars)
        #expect(results.filter { $0 }.count == 1)
        #expect(results.last == true)
        #expect(scan(["GET / HTTP/1.1\r\nHost: a\r", "\n\r", "\n"]) == [false, false, true])
    }

    @Test func treatsBareLFEndingsAsAnEndSoTheParserCanRejectThem() {
        #expect(scan(["GET / HTTP/1.1\nHost: a\n\n"]) == [true])
    }

    @Test func ignoresSingleLineBreaks() {
        #expect(scan(["GET / HTTP/1.1\r\n", "Host: a\r\n"]) == [false, false])
    }
}

@Suite struct ByteArenaTests {
    @Test func growsKeepsContentsAndGivesBlocksBack() {
        var pool = ArenaPool(blockSize: 16, keepAtMost: 2)
        var arena = ByteArena()
        let text = Array("0123456789abcdefghijklmnop".utf8)
        text.withUnsafeBytes { arena.append($0, pool: &pool) }
        #expect(arena.count == 26)
        #expect(Array(arena.bytes) == text)
        arena.giveBack(to: &pool)
        #expect(!arena.isAllocated)
    }
}
