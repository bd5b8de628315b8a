import RingwayHTTP
import RingwayIO
import RingwayRouter

/// The pre-commit window (`retry.pre_commit_ms` / `pre_commit_events`): a
/// stream's head and first events are held back briefly. An upstream that
/// breaks inside the window is replaced as if it had never answered; one
/// that survives it is committed and relayed from then on with no added wait.
extension Worker {
    /// Whether this response starts held.
    func beginsHeld(_ c: ClientConnection) -> Bool {
        if c.response.status == 400 && mayFallBackOnContextLength(c) {
            if c.heldResponse == nil { c.heldResponse = SendQueue() }
            c.holdingResponse = true
            c.checkingContextLength = true
            return true
        }
        guard let table = c.routing?.table, c.isModelRoute, c.response.status == 200, c.response.isEventStream,
              table.retry.preCommitMs > 0 || table.retry.preCommitEvents > 0, canRetry(c), hasAlternative(c)
        else { return false }
        if c.heldResponse == nil { c.heldResponse = SendQueue() }
        c.holdingResponse = true
        c.heldEvents = 0
        if table.retry.preCommitMs > 0 {
            c.commitDeadline = now + UInt64(table.retry.preCommitMs) * 1_000_000
            scheduleClientTimer(c)
        }
        return true
    }

    /// The queue the relay appends to: held or live.
    @inline(__always) func responseQueue(_ c: ClientConnection) -> SendQueue {
        c.holdingResponse ? c.heldResponse! : c.sendQueue
    }

    /// A 400 could be a context-length error the chain's next model absorbs.
    private func mayFallBackOnContextLength(_ c: ClientConnection) -> Bool {
        guard let table = c.routing?.table, c.isModelRoute, c.chainModel >= 0, canRetry(c) else { return false }
        let chain = table.models[Int(c.chainModel)]
        return chain.fallbackOn.contains(.contextLength) && c.chainStep < chain.fallbacks.count
    }

    /// At the end of a held 400: a context-length error goes down the chain
    /// (true); anything else is relayed.
    func absorbsContextLengthError(_ c: ClientConnection) -> Bool {
        guard c.checkingContextLength, let held = c.heldResponse, held.contains("context_length_exceeded") else {
            return false
        }
        abandonHeldResponse(c)
        c.skipToFallback = true
        attemptFailed(c, .cancelled, trigger: .contextLength, status: 400,
                      message: "the prompt exceeds the model's context window", code: "context_length_exceeded")
        return true
    }

    /// Adds the events (blank-line ends) that entered the window and commits
    /// once enough have come.
    func noteHeldEvents(_ c: ClientConnection, _ events: Int) {
        guard c.holdingResponse, let table = c.routing?.table else { return }
        if c.checkingContextLength {
            // An error body is small; a big 400 is relayed rather than held.
            if c.heldResponse!.queuedBytes >= settings.highWatermarkBytes { commitResponse(c) }
            return
        }
        c.heldEvents += events
        // Bounded like any relay: a fast stream is committed at the watermark.
        if table.retry.preCommitEvents > 0 && c.heldEvents >= table.retry.preCommitEvents
            || c.heldResponse!.queuedBytes >= settings.highWatermarkBytes
        {
            commitResponse(c)
        }
    }

    /// The window closed with the upstream alive: everything held goes out.
    func commitResponse(_ c: ClientConnection) {
        guard c.holdingResponse, let held = c.heldResponse else { return }
        c.holdingResponse = false
        c.checkingContextLength = false
        c.commitDeadline = 0
        c.responseStarted = true
        held.moveAll(to: c.sendQueue)
        flushClient(c)
    }

    /// The upstream failed inside the window: what it sent is dropped and
    /// the response state rewound for the next attempt.
    func abandonHeldResponse(_ c: ClientConnection) {
        releaseUsageStripping(c)
        c.heldResponse?.discard(buffers: buffers)
        c.holdingResponse = false
        c.checkingContextLength = false
        c.commitDeadline = 0
        c.responseStarted = false
        c.responseHeadDone = false
        c.responseDone = false
        c.responseFraming = .none
        c.responseRemaining = 0
        c.responseBodyBytes = 0
        c.isEventStream = false
        c.streamIdleDeadline = 0
        c.streamTotalDeadline = 0
        c.pingDeadline = 0
        c.firstByteNs = 0
        c.usage.reset()
        c.firstEventNs = 0
        c.lastEventNs = 0
        c.lastStreamByte = 0
        c.keepAlive = c.request.keepAlive && !draining
    }
}
