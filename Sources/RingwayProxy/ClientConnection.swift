import RingwayHTTP
import RingwayIO
import RingwayObserve
import RingwayRouter

/// Where a client connection is in its request/response cycle.
enum ClientPhase {
    /// Between requests: waiting for (the rest of) a request head.
    case awaitingHead
    /// A request is being relayed: body upstream and/or response back.
    case exchanging
    /// Final bytes are being flushed; then write-shutdown and close.
    case closing
    /// Write side shut down; discarding input until EOF or the linger timer.
    case lingering
    /// close submitted; the slot frees when every operation has completed.
    case closed
}

/// One accepted client connection. Slots are reused: `generation` tells a
/// completion for the slot's previous owner from one for the current owner.
final class ClientConnection {
    let slot: Int32
    var generation: UInt32 = 0
    var fd: Int32 = -1
    var phase = ClientPhase.closed

    /// The peer's IP as text, for X-Forwarded-For (captured once per connection).
    var peerIP: [UInt8] = []

    // Operations in flight: the slot is free only when all are done.
    var recv = MultishotReceive()
    var closeSubmitted = false
    var closeCompleted = false

    var inbound = InboundQueue()
    let sendQueue = SendQueue()
    /// Listed in the worker's `pendingClientFlushes` for this loop turn.
    var flushPending = false
    /// The attempt's request went upstream and no body byte of its answer
    /// has come back yet (how long that takes is learned per endpoint).
    var awaitingAnswer = false
    /// The wait is spun for: counted in the worker's `spunAnswers`.
    var answerSpun = false
    /// When the request last became fully sendable (the attempt began, its
    /// connection came up, its streamed body ended): the wait runs from here.
    var answerWaitFrom: UInt64 = 0

    // Arenas: a request head that spans buffers (kept whole on model routes),
    // a response head that spans buffers, the head (or error) written back.
    // The head written upstream goes into a reference-counted block instead
    // (see writeUpstreamHead).
    var requestHeadIn = ByteArena()
    var responseHeadIn = ByteArena()
    var responseHeadOut = ByteArena()

    var requestHeadEnd = HeadEndScanner()
    var responseHeadEnd = HeadEndScanner()
    var request = RequestHead()
    var response = ResponseHead()

    // The exchange in progress.
    var upstream: Int32 = -1
    var keepAlive = true
    var requestIsHEAD = false
    var requestBodyDone = true
    var requestRemaining: Int64 = 0
    var requestChunked = false
    var requestChunks = ChunkedFraming(limits: HTTPLimits())
    var responseStarted = false       // the response head went to the client
    var responseHeadDone = false
    var responseDone = false
    var responseFraming = BodyFraming.none
    var responseRemaining: Int64 = 0
    var responseChunks = ChunkedFraming(limits: HTTPLimits())
    var responseBodyBytes: Int64 = 0
    var isEventStream = false

    // Routing of the exchange in progress (see Worker+Routing.swift).
    /// The table generation the exchange started on; it finishes on it.
    var routing: WorkerRouting?
    /// The exchange is on a model route: its body is held (and may be sent
    /// again to another endpoint).
    var isModelRoute = false
    /// A model route gathering its body before an upstream is chosen.
    var holdingBody = false
    /// Model routes: the body as received, kept for inspection and retries.
    var held = HeldBody()
    var inspector: RequestBodyInspector?
    /// What inspection found, read once when the body is complete (its
    /// pointers point into the inspector's scratch, valid for the exchange).
    var summary = RequestBodySummary()
    /// The authority of an absolute-form target, in `requestHeadIn`.
    var authority: ByteRange?
    var servedModel: Int32 = -1
    var pool: Int32 = -1
    var endpoint: Int32 = -1
    var rule: Int32 = -1
    var keyIndex: Int32 = -1
    /// The model whose fallback chain later attempts follow, and how far.
    var chainModel: Int32 = -1
    var chainStep = 0
    var attempt = 0
    var tried = TriedEndpoints()
    /// `requestStarted` was reported to the balancer for `endpoint` and its
    /// `requestFinished` is still due.
    var attemptOpen = false
    /// What the last failed attempt counts as, for `fallback_on`.
    var lastFailure = FallbackTriggers.serverError
    var attemptStartedAt: UInt64 = 0
    /// When the routing decision was made: `retry.total_timeout_ms` counts from here.
    var routedAt: UInt64 = 0
    /// When the request head was complete; 0 between exchanges.
    var requestStartedAt: UInt64 = 0
    /// The W3C trace context of this hop (a child of the client's, or new).
    var trace = TraceContext(traceIDHigh: 0, traceIDLow: 0, parentID: 0, flags: 0)
    var hasTrace = false
    /// The request id as sent upstream (the client's or generated), for the
    /// access log; capacity kept across requests.
    var requestIDBytes: [UInt8] = []
    /// Why the request went where it did, for the access log.
    var routingReason = AccessLogRoutingReason.catalog
    /// Event-stream timing as relayed: when the first event (a blank line
    /// after `data:`) and the latest one left, and the last byte seen.
    /// Token counts read from the answer's `usage` (model routes).
    var usage = UsageScanner()
    /// This attempt's body was changed to ask for stream usage the client
    /// did not ask for (`count_stream_usage`).
    var injectedUsage = false
    /// The response hides what that change added (see Worker+UsageStripping).
    var stripping = UsageStripping()
    var firstEventNs: UInt64 = 0
    var lastEventNs: UInt64 = 0
    var lastStreamByte: UInt8 = 0
    /// The exchange's metrics were recorded (exactly once per request).
    var exchangeRecorded = false
    var firstByteNs: UInt64 = 0
    /// The pool whose concurrency slot this exchange holds, or -1.
    var admittedPool: Int32 = -1
    /// Queued for a slot; `retryDeadline` is then the queue timeout.
    var waitingAdmission = false
    /// Pre-commit window: the response's first bytes wait here (never sent
    /// from this queue) until enough events or time have passed, so an
    /// upstream that fails at once can still be replaced invisibly.
    var heldResponse: SendQueue?
    var holdingResponse = false
    var heldEvents = 0
    /// The held response is a 400 read whole to see whether it is a
    /// context-length error, which the fallback chain may absorb.
    var checkingContextLength = false
    /// The next attempt goes down the fallback chain, not to another
    /// endpoint of the same pool (same model, same context window).
    var skipToFallback = false
    /// The `x-ringway-route` line added to the response head.
    var routeLine = ByteArena()

    // Deadlines in monotonic ns; 0 = not armed. The wheel holds one entry per
    // slot at the earliest of them and re-checks the rest when it fires.
    var headerDeadline: UInt64 = 0
    var keepAliveDeadline: UInt64 = 0
    var firstByteDeadline: UInt64 = 0
    var streamIdleDeadline: UInt64 = 0
    var streamTotalDeadline: UInt64 = 0
    var pingDeadline: UInt64 = 0
    var lingerDeadline: UInt64 = 0
    /// A retry waiting out its backoff.
    var retryDeadline: UInt64 = 0
    /// The end of the pre-commit window.
    var commitDeadline: UInt64 = 0

    init(slot: Int32) {
        self.slot = slot
    }

    var hasOperationsInFlight: Bool {
        recv.armed || sendQueue.inFlight || (closeSubmitted && !closeCompleted)
    }

    var earliestDeadline: UInt64 {
        earliest(earliest(earliest(headerDeadline, keepAliveDeadline), earliest(firstByteDeadline, streamIdleDeadline)),
                 earliest(earliest(streamTotalDeadline, pingDeadline), earliest(earliest(lingerDeadline, retryDeadline), commitDeadline)))
    }

    func resetExchange() {
        upstream = -1
        requestIsHEAD = false
        requestBodyDone = true
        requestRemaining = 0
        requestChunked = false
        responseStarted = false
        responseHeadDone = false
        responseDone = false
        responseFraming = .none
        responseRemaining = 0
        responseBodyBytes = 0
        isEventStream = false
        firstByteDeadline = 0
        streamIdleDeadline = 0
        streamTotalDeadline = 0
        pingDeadline = 0
        retryDeadline = 0
        commitDeadline = 0
        holdingResponse = false
        heldEvents = 0
        checkingContextLength = false
        skipToFallback = false
        routing = nil
        holdingBody = false
        isModelRoute = false
        authority = nil
        servedModel = -1
        pool = -1
        endpoint = -1
        rule = -1
        keyIndex = -1
        chainModel = -1
        chainStep = 0
        attempt = 0
        tried = TriedEndpoints()
        attemptOpen = false
        lastFailure = .serverError
        admittedPool = -1
        waitingAdmission = false
        attemptStartedAt = 0
        routedAt = 0
        requestStartedAt = 0
        usage.reset()
        summary = RequestBodySummary()
        injectedUsage = false
        firstEventNs = 0
        lastEventNs = 0
        lastStreamByte = 0
        requestIDBytes.removeAll(keepingCapacity: true)
        routingReason = .catalog
        hasTrace = false
        exchangeRecorded = false
        firstByteNs = 0
        routeLine.count = 0
    }
}

/// The earlier of two deadlines where 0 means "not armed".
@inline(__always) func earliest(_ a: UInt64, _ b: UInt64) -> UInt64 {
    a == 0 ? b : (b == 0 ? a : min(a, b))
}
