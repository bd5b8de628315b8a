import RingwayHTTP
import RingwayIO

/// Where a connection is in its request/response cycle.
enum ConnectionPhase: UInt8 {
    /// Waiting for (the rest of) a request head.
    case head
    /// Reading the request body (scanned or hashed, never kept).
    case body
    /// The request is read; its response is still being produced (a TTFT
    /// wait, a queue wait, a paced stream, a large `/bytes` body). Bytes of a
    /// pipelined next request wait in `inbound`.
    case responding
    /// `x-mock-fail: hang`: input is discarded until the client leaves.
    case hanging
    /// Output is flushed, then the socket is closed (or reset).
    case closing
    /// close submitted; the slot is free once every operation has completed.
    case closed
}

/// What a request asked for.
enum Endpoint: UInt8 {
    case chat, completions, embeddings, models, health, metrics, bytes, echo, requestLog, abortLog, notFound

    /// Endpoints whose body is scanned for `model`, `stream` and friends.
    var scansBody: Bool { self == .chat || self == .completions || self == .embeddings }
    /// The fixture's control endpoints are not recorded themselves.
    var isControl: Bool { self == .requestLog || self == .abortLog }
}

/// How far a generation has got.
enum GenerationStage: UInt8 {
    case none
    /// Waiting for a capacity slot.
    case queued
    /// Holding a slot, waiting for `due` (TTFT, then each inter-token gap).
    case generating
}

/// A received slice still to be processed, holding one reference on its
/// provided buffer.
struct InboundSegment {
    var base: UnsafeRawPointer
    var length: Int
    var bid: UInt16
}

/// One accepted connection. Slots are reused; `generation` tells completions
/// for the slot's previous owner from those for the current one.
final class MockConnection {
    let slot: Int32
    var generation: UInt32 = 0
    var fd: Int32 = -1
    var phase = ConnectionPhase.closed
    /// `x-mock-conn` and `x-mock-seq`.
    var number = 0
    var sequence = 0

    // Operations in flight: the slot is free only when none is left.
    var recv = MultishotReceive()
    var closeSubmitted = false
    var closeCompleted = false
    var resetOnClose = false

    // Input.
    var inbound: [InboundSegment] = []
    var inboundHead = 0
    var inboundBytes = 0
    /// A request head that spans receive buffers, gathered contiguously.
    let carry = GrowableBytes(capacity: 512)
    var headEnd = HeadEndScanner()
    var request = RequestHead()

    // The request being served.
    var endpoint = Endpoint.notFound
    var shape: RequestShape
    var keepAlive = true
    var isHEAD = false
    /// "METHOD TARGET", for the abort log.
    let requestLine = GrowableBytes(capacity: 128)
    var methodCount = 0
    var bodyChunked = false
    var bodyRemaining: Int64 = 0
    var bodyDone = true
    var bodyLength = 0
    var chunked = ChunkedBodyDecoder()
    /// The first 64 KiB of a body that did not arrive in one buffer, scanned
    /// once complete.
    let scanWindow = GrowableBytes(capacity: 16)
    var fieldsScanned = false
    var fields = BodyFields()
    /// The request's `model` (raw JSON string content), or the default.
    let model = GrowableBytes(capacity: 64)

    // /echo: the JSON written so far (method, path, headers) and the body hash.
    let echoPrefix = GrowableBytes(capacity: 16)
    var digest: SHA256?

    // /bytes.
    var bytesTotal = 0
    var bytesProduced = 0
    var bytesChunked = false
    var bytesPiece = 0
    var bytesFailAfter = -1

    // Generation (chat and completions).
    var stage = GenerationStage.none
    var stream = false
    var tokensEmitted = 0
    /// Stream events: 0..<tokens are tokens, then finish, usage, [DONE].
    var eventIndex = 0
    var due: UInt64 = 0
    var holdsSlot = false

    // Output: bytes are composed into `filling` while `sending` is on the
    // wire, then the two swap, so growing `filling` never moves bytes the
    // kernel is reading. One send in flight per socket.
    var filling = GrowableBytes(capacity: 2048)
    var sending = GrowableBytes(capacity: 2048)
    var sendOffset = 0
    var sendInFlight = false

    init(slot: Int32, defaults: MockSettings) {
        self.slot = slot
        shape = RequestShape(defaults: defaults)
        inbound.reserveCapacity(8)
    }

    var hasOperationsInFlight: Bool {
        recv.armed || sendInFlight || (closeSubmitted && !closeCompleted)
    }

    /// Bytes composed but not yet accepted by the kernel.
    var outputPending: Int { filling.count &+ sending.count &- sendOffset }
    var outputIdle: Bool { !sendInFlight && outputPending == 0 }

    var inboundIsEmpty: Bool { inboundHead == inbound.count }
}

/// Finds the blank line that ends a head across receive buffers, looking at
/// each byte once (a head sent one byte per packet is not rescanned).
struct HeadEndScanner {
    /// Bytes of CR LF CR LF matched so far.
    var matched = 0

    mutating func reset() { matched = 0 }

    /// Returns how many bytes of `p` end the head (the marker included), or
    /// nil when it has not ended yet.
    mutating func scan(_ p: UnsafeRawPointer, _ n: Int) -> Int? {
        for i in 0..<n {
            let b = p.load(fromByteOffset: i, as: UInt8.self)
            switch (matched, b) {
            case (0, 0x0D), (2, 0x0D): matched &+= 1
            case (1, 0x0A): matched = 2
            case (3, 0x0A):
                matched = 0
                return i &+ 1
            case (_, 0x0D): matched = 1
            default: matched = 0
            }
        }
        return nil
    }
}
