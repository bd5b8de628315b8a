import Testing
@testable import RingwayIO

@Suite struct ProvidedBuffersBlockTests {
    @Test func blocksAreCountedLikeBuffersAndReusedOnlyWhenFree() throws {
        let buffers = ProvidedBuffers.forTesting(size: 1024, count: 8)
        let first = try #require(buffers.takeBlock())
        #expect(first.bid == 8)
        buffers.retain(first.bid)      // a queued send
        buffers.release(first.bid)     // the body lets go
        // Still referenced by the send: a new block must not reuse it.
        let second = try #require(buffers.takeBlock())
        #expect(second.bid != first.bid)
        buffers.release(first.bid)     // the send completed
        #expect(buffers.blocksInUse == 1)
        let third = try #require(buffers.takeBlock())
        #expect(third.bid == first.bid && third.base == first.base)
        // Receive buffers are untouched by block traffic.
        #expect(buffers.inUse == 0 && buffers.recycled.isEmpty)
    }
}
