import RingwayIO

/// The TLS side of one upstream connection to an https endpoint.
///
/// ```
///  sendQueue (plaintext segments: head, held body, spliced model, relayed body)
///     │ flushTLSUpstream: write ≤ cipherBudget − queued, complete(sent:) releases them
///     ▼
///  session ──take──▶ out block (refcounted 64 KiB) ──▶ cipher (SendQueue) ──▶ send SQE
///
///  recv buffer ──feed (copied; buffer released at once)──▶ session
///     │ read
///     ▼
///  in block (refcounted 64 KiB) ──▶ relayResponseBytes(base, bid) ──▶ client sendQueue
/// ```
///
/// Blocks come from the worker's `ProvidedBuffers` (ids ≥ its count), so a
/// queued segment keeps its block alive exactly as a relayed receive buffer
/// is kept alive. This object holds one reference on the block it is filling
/// on each side and lets go when the block is nearly full; later bytes go
/// into a fresh block, and the old one is freed by its last segment's send.
final class UpstreamTLS {
    /// Ciphertext waiting to go (or going) out; bounds how much plaintext is
    /// encrypted ahead of the socket, so the plaintext queue keeps carrying
    /// the backpressure the relay already measures.
    static let cipherBudget = 64 * 1024
    /// Plaintext per `write`: one TLS record's worth.
    static let writeChunk = 16 * 1024
    /// A block with less room than this is let go for a fresh one.
    static let minimumRoom = 4 * 1024

    let session: TLSClientSession
    let cipher = SendQueue()
    var handshakeDone = false
    /// The block ciphertext is taken into (-1: none yet) and its fill.
    var outBid: Int32 = -1
    var outBase: UnsafeMutableRawPointer?
    var outUsed = 0
    /// The block plaintext is decrypted into (-1: none yet) and its fill.
    var inBid: Int32 = -1
    var inBase: UnsafeMutableRawPointer?
    var inUsed = 0

    init(session: TLSClientSession) { self.session = session }

    /// Room left in the ciphertext block (0 without one).
    var outRoom: Int { outBid < 0 ? 0 : ProvidedBuffers.blockSize - outUsed }
    var inRoom: Int { inBid < 0 ? 0 : ProvidedBuffers.blockSize - inUsed }

    /// Drops this object's references on its two blocks.
    func releaseBlocks(_ buffers: ProvidedBuffers) {
        if outBid >= 0 { buffers.release(UInt16(outBid)) }
        if inBid >= 0 { buffers.release(UInt16(inBid)) }
        outBid = -1
        inBid = -1
        outBase = nil
        inBase = nil
    }
}
