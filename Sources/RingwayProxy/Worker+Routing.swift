import CRingwayEngine
import Glibc
import RingwayHTTP
import RingwayIO
import RingwayRouter

/// Model routes: gather and inspect the body, choose a model, a pool and an
/// endpoint, send the (spliced) request, and try again elsewhere when an
/// attempt fails before any response byte has reached the client.
extension Worker {
    /// Picks up a reloaded table between loop turns. Exchanges in flight keep
    /// the generation they started on; idle connections of the old one are
    /// closed, as the endpoints they reach may be gone.
    func refreshRouting() {
        guard let source = settings.tables, source.version != routing.table.version else { return }
        let old = routing
        routing = WorkerRouting(table: source.table, workerID: id, metrics: settings.metrics,
                                tlsContexts: settings.tlsContexts)
        // The new shard starts from the connections already open.
        routing.metrics?.activeConnectionsDelta(openClients)
        let lists = old.idle
        for list in lists {
            for slot in list { closeUpstream(upstreams[Int(slot)]) }
        }
        // Requests queued for admission under the old table still wait for
        // a slot there (pools keep their concurrency across a reload).
        if old.waiting > 0 { queuedOnRetiredTables.append(old) }
    }

    /// Admission for requests queued before a reload; a table is let go once
    /// its queues are empty.
    func admitRetiredWaiters() {
        guard !queuedOnRetiredTables.isEmpty else { return }
        for old in queuedOnRetiredTables { admitWaiters(old) }
        queuedOnRetiredTables.removeAll { $0.waiting == 0 }
    }

    // MARK: the body

    func beginModelRequest(_ c: ClientConnection, source: UnsafeRawBufferPointer, headLength: Int) {
        var length: Int64 = 0
        switch c.request.framing {
        case .contentLength(let n) where n > 0: length = n
        case .chunked: break  // de-chunked into the held body, sent on with a Content-Length
        default:
            return respondError(c, status: 400, message: "this endpoint expects a JSON request body",
                                code: "missing_body")
        }
        guard length <= settings.maxInspectedBodyBytes else {
            return respondError(c, status: 413, message: "request body exceeds the inspected body limit",
                                code: "body_too_large")
        }
        // The body may take many receive buffers to arrive and the head is
        // written again for every attempt, so it must outlive its buffer.
        if source.baseAddress != UnsafeRawPointer(c.requestHeadIn.base) {
            c.requestHeadIn.count = 0
            c.requestHeadIn.append(UnsafeRawBufferPointer(rebasing: source[0..<headLength]), pool: &arenas)
        }
        c.inbound.consume(headLength, buffers: buffers)
        c.phase = .exchanging
        c.headerDeadline = 0
        c.isModelRoute = true
        c.holdingBody = true
        // The body must arrive within the head's time budget; a client that
        // stalls it would otherwise hold its slot forever.
        c.firstByteDeadline = now + settings.headerTimeoutMs * 1_000_000
        scheduleClientTimer(c)
        c.requestBodyDone = false
        if c.inspector == nil { c.inspector = RequestBodyInspector() }
        c.inspector!.reset(prefixBytes: c.routing!.table.affinityPrefixBytes)
        if c.request.expectsContinue && c.inbound.isEmpty {
            c.sendQueue.append(StaticBytes.continue100)
            flushClient(c)
        }
        gatherBody(c)
    }

    /// Copies body bytes out of the receive buffers as they come, inspecting
    /// them on the way; routes once the last byte is in.
    func gatherBody(_ c: ClientConnection) {
        let inspector = c.inspector!
        if c.requestChunked { return gatherChunkedBody(c, inspector) }
        while c.requestRemaining > 0, let s = c.inbound.first {
            let take = Int(min(Int64(s.length), c.requestRemaining))
            let bytes = UnsafeRawBufferPointer(start: s.base, count: take)
            if case .failure(let e) = inspector.feed(bytes) { return rejectBody(c, e) }
            guard c.held.append(bytes, buffers: buffers) else { return outOfBodyMemory(c) }
            c.requestRemaining -= Int64(take)
            c.inbound.consume(take, buffers: buffers)
        }
        guard c.requestRemaining == 0 else { return }
        c.requestBodyDone = true
        c.holdingBody = false
        if case .failure(let e) = inspector.finish() { return rejectBody(c, e) }
        chooseTarget(c)
    }

    /// A chunked body: only the chunk data is inspected and held.
    private func gatherChunkedBody(_ c: ClientConnection, _ inspector: RequestBodyInspector) {
        while let s = c.inbound.first {
            var invalid: BodyInspectionError?
            var stored = true
            let step = c.requestChunks.feedPayload(UnsafeRawBufferPointer(start: s.base, count: s.length)) { data in
                guard invalid == nil, stored else { return }
                if case .failure(let e) = inspector.feed(data) { invalid = e }
                stored = c.held.append(data, buffers: buffers)
            }
            if let invalid { return rejectBody(c, invalid) }
            guard stored else { return outOfBodyMemory(c) }
            guard c.held.total <= settings.maxInspectedBodyBytes else {
                c.keepAlive = false
                return respondError(c, status: 413, message: "request body exceeds the inspected body limit",
                                    code: "body_too_large")
            }
            switch step {
            case .needMore: c.inbound.consume(s.length, buffers: buffers)
            case .failure(let e):
                c.keepAlive = false
                return rejectRequest(c, e)
            case .done(let consumed):
                c.inbound.consume(consumed, buffers: buffers)
                c.requestBodyDone = true
                c.holdingBody = false
                if case .failure(let e) = inspector.finish() { return rejectBody(c, e) }
                return chooseTarget(c)
            }
        }
    }

    private func outOfBodyMemory(_ c: ClientConnection) {
        c.keepAlive = false
        respondError(c, status: 503, message: "the proxy has no room left to hold request bodies",
                     code: "out_of_memory")
    }

    private func rejectBody(_ c: ClientConnection, _ e: BodyInspectionError) {
        c.keepAlive = false
        var message = e.description
        message.withUTF8 { text in
            respondError(c, status: 400, message: UnsafeRawBufferPointer(text), code: "invalid_json", keepOpen: false)
        }
    }

    // MARK: the decision

    private func chooseTarget(_ c: ClientConnection) {
        let table = c.routing!.table
        c.routedAt = now
        // The body's deadline is met; the attempt (or the admission queue)
        // sets the next one.
        c.firstByteDeadline = 0
        c.summary = c.inspector!.summary
        let summary = c.summary
        if !table.keys.isEmpty {
            c.keyIndex = Int32(lookupAPIKey(c, table) ?? -1)
            if table.requireKey && c.keyIndex < 0 {
                return respondError(c, status: 401, message: "missing or unknown API key", code: "invalid_api_key",
                                    keepOpen: true)
            }
        }
        // Rules first: a matching rule decides even for a model name the
        // catalog does not know (clients asking for "auto").
        let target: TargetRef
        if let ruleIndex = firstMatchingRule(c, table, summary) {
            c.rule = Int32(ruleIndex)
            c.routingReason = .rule
            target = table.rules[ruleIndex].target
        } else if let requested = summary.model {
            guard let m = table.modelNames.value(for: requested) else { return respondUnknownModel(c, requested) }
            target = .model(m)
        } else if let d = table.defaultTarget {
            c.routingReason = .default
            target = d
        } else {
            return respondError(c, status: 400, message: "the request body names no \"model\"", code: "missing_model")
        }
        switch target {
        case .model(let m): selectModel(c, table, m, summary)
        case .pool(let p):
            c.servedModel = -1
            c.pool = Int32(p)
        case .cheapest(let candidates):
            if c.rule < 0 { c.routingReason = .cheapest }
            selectModel(c, table, cheapest(c, table, candidates, summary), summary)
        }
        dispatchAttempt(c)
    }

    private func selectModel(_ c: ClientConnection, _ table: RoutingTable, _ model: Int, _ summary: RequestBodySummary) {
        var m = model
        if let s = table.splitOfModel[m] {
            m = chooseSplitArm(c, table, table.splits[s], summary)
            if c.rule < 0 { c.routingReason = .split }
        }
        c.servedModel = Int32(m)
        c.chainModel = Int32(m)
        c.chainStep = 0
        c.pool = Int32(table.models[m].pool)
    }

    /// The first rule whose conditions the request meets.
    private func firstMatchingRule(_ c: ClientConnection, _ table: RoutingTable, _ summary: RequestBodySummary) -> Int? {
        let rules = table.compiledRules
        guard rules.count > 0 else { return nil }
        let head = c.requestHeadIn.bytes
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        let names = rules.referencedHeaders
        return withUnsafeTemporaryAllocation(of: UnsafeRawBufferPointer.self, capacity: max(names.count, 1)) { values in
            for i in 0..<names.count {
                values[i] = names[i].withUnsafeBytes { c.request.firstValue(named: $0, in: head) } ?? empty
            }
            let key = c.keyIndex >= 0 ? table.keys[Int(c.keyIndex)] : nil
            return (key?.nameBytes ?? []).withUnsafeBytes { keyName in
                (key?.tenantBytes ?? []).withUnsafeBytes { tenant in
                    let facts = RequestFacts(
                        path: Self.pathBytes(c.request.target, source: head),
                        requestedModel: summary.model ?? empty, keyName: keyName, tenant: tenant,
                        lastUserMessage: summary.lastUserMessage,
                        headerValues: UnsafeBufferPointer(rebasing: values[0..<names.count]),
                        promptTokens: summary.estimatedPromptTokens, hasTools: summary.hasTools,
                        hasImages: summary.hasImages)
                    return rules.firstMatch(facts)
                }
            }
        }
    }

    /// The arm of an A/B split; sticky per user, key or header when asked.
    private func chooseSplitArm(_ c: ClientConnection, _ table: RoutingTable, _ split: SplitEntry,
                                _ summary: RequestBodySummary) -> Int {
        var sticky: UInt64?
        switch split.sticky {
        case .none: sticky = nil
        case .user: sticky = summary.user.map { ByteKeyTable.hash($0) }
        case .apiKey: sticky = c.keyIndex >= 0 ? table.keys[Int(c.keyIndex)].nameBytes.withUnsafeBytes { ByteKeyTable.hash($0) } : nil
        case .header(let name): sticky = headerValueHash(c, name)
        }
        requestCounter &+= 1
        let random = (requestCounter ^ UInt64(id) << 56) &* 0x9E37_79B9_7F4A_7C15
        return split.targets[split.chooser.choose(stickyHash: sticky, random: random)]
    }

    private func headerValueHash(_ c: ClientConnection, _ name: String) -> UInt64? {
        name.utf8CString.withUnsafeBytes { raw in
            c.request.firstValue(named: UnsafeRawBufferPointer(rebasing: raw.dropLast()), in: c.requestHeadIn.bytes)
                .map { ByteKeyTable.hash($0) }
        }
    }

    /// `cheapest`: the least expected cost among candidates that can serve
    /// the request and meet their latency objective.
    private func cheapest(_ c: ClientConnection, _ table: RoutingTable, _ candidates: [Int],
                          _ summary: RequestBodySummary) -> Int {
        let routing = c.routing!
        return withUnsafeTemporaryAllocation(of: CostCandidate.self, capacity: candidates.count) { list in
            for (i, m) in candidates.enumerated() {
                let model = table.models[m]
                list.initializeElement(at: i, to: CostCandidate(
                    price: model.price, contextWindow: model.contextWindow, capabilities: model.capabilitySet,
                    maxLatencyNs: model.maxLatencyNs, measuredLatencyNs: routing.balancers[model.pool].ewmaLatencyNs,
                    usable: true))
            }
            let needs = RequestNeeds(promptTokens: summary.estimatedPromptTokens,
                                     maxOutputTokens: summary.maxTokens.map { Int(clamping: $0) },
                                     needsTools: summary.hasTools, needsVision: summary.hasImages,
                                     needsStreaming: summary.stream)
            let choice = CheapestChooser.choose(UnsafeBufferPointer(list), needs: needs)
            _ = list.deinitialize()
            return candidates[choice ?? 0]
        }
    }

    /// `Authorization: Bearer <key>` (or `x-api-key: <key>`) -> key index.
    private func lookupAPIKey(_ c: ClientConnection, _ table: RoutingTable) -> Int? {
        let head = c.requestHeadIn.bytes
        for field in c.request.headers {
            let name = UnsafeRawBufferPointer(rebasing: head[Int(field.name.start)..<Int(field.name.end)])
            var value = UnsafeRawBufferPointer(rebasing: head[Int(field.value.start)..<Int(field.value.end)])
            if asciiCaseEquals(name, "authorization") {
                guard value.count > 7, asciiCaseEquals(UnsafeRawBufferPointer(rebasing: value[0..<7]), "bearer ")
                else { continue }
                value = UnsafeRawBufferPointer(rebasing: value[7...])
            } else if !asciiCaseEquals(name, "x-api-key") {
                continue
            }
            if let k = table.keyLookup.value(for: value) { return k }
        }
        return nil
    }

    private func respondUnknownModel(_ c: ClientConnection, _ requested: UnsafeRawBufferPointer) {
        var message: [UInt8] = Array("The model `".utf8)
        message.append(contentsOf: requested.prefix(256))
        message.append(contentsOf: "` does not exist".utf8)
        message.withUnsafeBytes { respondError(c, status: 404, message: $0, code: "model_not_found", keepOpen: true) }
    }

    // MARK: attempts

    /// Sends the request to the next endpoint: of the current pool while it
    /// has untried usable ones, then down the model's fallback chain.
    func dispatchAttempt(_ c: ClientConnection) {
        guard let routing = c.routing else { return }
        let table = routing.table
        c.retryDeadline = 0
        guard admit(c) else { return }
        guard c.attempt < table.retry.maxAttempts else {
            return respondError(c, status: 502, message: "every attempt failed", code: "upstream_unavailable")
        }
        let affinity = c.summary.prefixHash
        if c.skipToFallback {
            c.skipToFallback = false
            guard advanceFallback(c, table) else {
                return respondError(c, status: 400, message: "the prompt exceeds the model's context window",
                                    code: "context_length_exceeded")
            }
            guard readmit(c) else { return }
        }
        var member: Int
        while true {
            let pool = Int(c.pool)
            if let m = routing.balancers[pool].pick(affinityKey: affinity, now: now, exclude: c.tried) {
                member = m
                break
            }
            guard advanceFallback(c, table) else {
                return respondError(c, status: 503, message: "no healthy endpoint is available for this request",
                                    code: "no_healthy_upstream")
            }
            guard readmit(c) else { return }
        }
        guard let u = startAttempt(c, routing, member: member) else { return }

        let edits = bodyEdits(c, table)
        let bodyLength = edits.editedLength(of: c.held.total)
        guard writeUpstreamHead(c, u, source: c.requestHeadIn.bytes, bodyLength: bodyLength) else { return }
        queueBody(c, u, edits)
        armFirstByteTimer(c, table)
        flushUpstream(u)
        if c.attempt == 1 && !table.shadows.isEmpty {
            maybeShadow(c, routing, bodyLength: bodyLength, edits: edits)
        }
    }

    /// How this attempt's body differs from the client's: the served model's
    /// upstream name, and usage asked for on a stream (`count_stream_usage`).
    func bodyEdits(_ c: ClientConnection, _ table: RoutingTable) -> BodyEdits {
        var edits = BodyEdits()
        c.injectedUsage = false
        guard c.servedModel >= 0 else { return edits }
        let summary = c.summary
        let model = table.models[Int(c.servedModel)]
        if let sent = summary.model, let range = summary.modelTokenRange,
           !model.upstreamName.withUnsafeBytes({ $0.elementsEqual(sent) })
        {
            // The table outlives every exchange that uses it.
            let token = model.upstreamToken.withUnsafeBytes { $0 }
            edits.add(.init(range: range, bytes: token))
        }
        if model.countsStreamUsage && summary.stream
            && Self.acceptsStreamOptions(Self.pathBytes(c.request.target, source: c.requestHeadIn.bytes)),
            let edit = UsageRequestEdit.edit(for: summary)
        {
            edits.add(edit)
            c.injectedUsage = true
        }
        return edits
    }

    /// Chat completions and completions take `stream_options`; the Responses
    /// API reports usage in its final event anyway.
    static func acceptsStreamOptions(_ path: UnsafeRawBufferPointer) -> Bool {
        let suffix: StaticString = "/completions"
        let n = suffix.utf8CodeUnitCount
        guard path.count >= n else { return false }
        for i in 0..<n where path[path.count - n + i] != suffix.utf8Start[i] { return false }
        return true
    }

    /// The held body, edited, behind the head already queued on `u`.
    func queueBody(_ c: ClientConnection, _ u: UpstreamConnection, _ edits: BodyEdits) {
        edits.forEachPiece(total: c.held.total, held: { queueHeld(c, u, $0) }, replacement: {
            u.sendQueue.append(Segment(base: $0.baseAddress!, length: $0.count, bid: -1))
        })
    }

    /// Takes an upstream connection to `member` of the client's pool and
    /// books the attempt (balancer, counters, route line); nil when none
    /// could be had (the client has been answered).
    func startAttempt(_ c: ClientConnection, _ routing: WorkerRouting, member: Int) -> UpstreamConnection? {
        let pool = Int(c.pool)
        let endpoint = routing.table.endpointIndex(pool: pool, member: member)
        let u: UpstreamConnection
        switch acquireUpstream(for: c, endpoint: endpoint) {
        case .success(let acquired): u = acquired
        case .failure(.poolFull):
            respondError(c, status: 503, message: "upstream connection pool is full", code: "upstream_pool_full")
            return nil
        case .failure(.socket):
            respondError(c, status: 503, message: "out of sockets for upstream connections", code: "upstream_unavailable")
            return nil
        }
        c.upstream = u.slot
        c.endpoint = Int32(endpoint)
        c.attempt += 1
        _ = c.tried.insert(member)
        routing.balancers[pool].requestStarted(member)
        c.attemptOpen = true
        c.attemptStartedAt = now
        beginAwaitingAnswer(c)
        c.responseHeadIn.count = 0
        // An HTTP/1.0 request goes upstream as HTTP/1.0; the server may close
        // after answering it, so the connection is not pooled again.
        if !c.request.isHTTP11 { u.reusable = false }
        renderRouteLine(c, routing.table)
        return u
    }

    func queueHeld(_ c: ClientConnection, _ u: UpstreamConnection, _ range: Range<Int64>) {
        c.held.forEachSlice(in: range) { base, n, bid in
            buffers.retain(bid)
            u.sendQueue.append(Segment(base: base, length: n, bid: Int32(bid)))
        }
    }

    func armFirstByteTimer(_ c: ClientConnection, _ table: RoutingTable) {
        let pool = table.pools[Int(c.pool)]
        var ms = UInt64(pool.firstByteTimeoutMs ?? Int(settings.firstByteTimeoutMs))
        if let t = table.retry.tryTimeoutMs { ms = min(ms, UInt64(t)) }
        c.firstByteDeadline = now + ms * 1_000_000
        // The total budget covers every attempt until a response starts.
        if let total = table.retry.totalTimeoutMs, c.routedAt > 0 {
            c.firstByteDeadline = min(c.firstByteDeadline, c.routedAt + UInt64(total) * 1_000_000)
        }
        scheduleClientTimer(c)
    }

    /// Moves to the next model of the chain; false at its end.
    private func advanceFallback(_ c: ClientConnection, _ table: RoutingTable) -> Bool {
        guard c.chainModel >= 0 else { return false }
        let chain = table.models[Int(c.chainModel)]
        guard c.chainStep < chain.fallbacks.count, chain.fallbackOn.contains(c.lastFailure) else { return false }
        let next = chain.fallbacks[c.chainStep]
        c.chainStep += 1
        c.routing?.metrics?.fallback(model: next)
        c.routingReason = .fallback
        c.servedModel = Int32(next)
        c.pool = Int32(table.models[next].pool)
        c.tried = TriedEndpoints()
        return true
    }

    /// Tells the balancer how the attempt went, once.
    func settleAttempt(_ c: ClientConnection, _ outcome: AttemptOutcome) {
        endAwaitingAnswer(c, began: outcome == .success)
        guard c.attemptOpen, let routing = c.routing else { return }
        c.attemptOpen = false
        let pool = Int(c.pool)
        let member = Int(c.endpoint) - routing.table.pools[pool].endpointRange.lowerBound
        let latency = c.firstByteNs > c.attemptStartedAt ? c.firstByteNs - c.attemptStartedAt : 0
        routing.balancers[pool].requestFinished(member, outcome: outcome, latencyNs: latency, now: now)
    }

    /// An attempt failed before any response byte went to the client: try
    /// again (after the backoff) if the body is held and attempts remain,
    /// else answer with the error.
    func attemptFailed(_ c: ClientConnection, _ outcome: AttemptOutcome, trigger: FallbackTriggers? = nil, status: Int,
                       message: StaticString, code: StaticString) {
        message.withUTF8Buffer {
            attemptFailed(c, outcome, trigger: trigger, status: status, message: UnsafeRawBufferPointer($0), code: code)
        }
    }

    /// `message` is read only during the call (a TLS failure's cause).
    func attemptFailed(_ c: ClientConnection, _ outcome: AttemptOutcome, trigger: FallbackTriggers? = nil, status: Int,
                       message: UnsafeRawBufferPointer, code: StaticString) {
        settleAttempt(c, outcome)
        c.lastFailure = trigger ?? FallbackTriggers(outcome)
        if c.upstream >= 0 {
            let u = upstreams[Int(c.upstream)]
            u.reusable = false
            detachUpstream(c)
        }
        // With nowhere else to go the client hears this failure's cause, not
        // the next attempt's "no healthy endpoint".
        guard canRetry(c), hasAlternative(c) else {
            return respondError(c, status: status, message: message, code: code, keepOpen: false)
        }
        c.firstByteDeadline = 0
        c.routing!.metrics?.retry(pool: Int(c.pool))
        let table = c.routing!.table
        let base = UInt64(table.retry.backoffMs)
        if base == 0 { return dispatchAttempt(c) }
        // Exponential with jitter in [0.5, 1.0) of the step.
        let step = base << UInt64(min(c.attempt - 1, 10))
        let jitter = UInt64(truncatingIfNeeded: (requestCounter &* 0x9E37_79B9_7F4A_7C15) >> 40) % (step * 500 + 1)
        c.retryDeadline = now + step * 500_000 + jitter * 1_000
        scheduleClientTimer(c)
    }

    /// Only a model route holds its body, and only before the response
    /// started can another upstream answer instead.
    func canRetry(_ c: ClientConnection) -> Bool {
        guard let routing = c.routing, c.isModelRoute, c.requestBodyDone, !c.holdingBody, !c.responseStarted,
              c.phase == .exchanging, !draining
        else { return false }
        if c.held.total == 0 && c.request.framing != .none { return false }
        if let total = routing.table.retry.totalTimeoutMs, now >= c.routedAt + UInt64(total) * 1_000_000 {
            return false
        }
        return c.attempt < routing.table.retry.maxAttempts
    }

    /// `x-ringway-route: model=…; pool=…; endpoint=…; rule=…; attempt=…`
    /// (names were checked for field-value bytes when the config loaded).
    func renderRouteLine(_ c: ClientConnection, _ table: RoutingTable) {
        c.routeLine.count = 0
        c.routeLine.reserve(768, pool: &arenas)
        appendRoute(c, "x-ringway-route: model=")
        if c.servedModel >= 0 { appendRoute(c, table.models[Int(c.servedModel)].nameBytes) } else { appendRoute(c, "-") }
        appendRoute(c, "; pool=")
        appendRoute(c, table.pools[Int(c.pool)].nameBytes)
        appendRoute(c, "; endpoint=")
        if c.endpoint >= 0 { appendRoute(c, table.endpoints[Int(c.endpoint)].urlBytes) } else { appendRoute(c, "-") }
        appendRoute(c, "; rule=")
        if c.rule >= 0 { appendRoute(c, table.rules[Int(c.rule)].nameBytes) } else { appendRoute(c, "-") }
        appendRoute(c, "; attempt=")
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var n = c.attempt
            var i = 20
            repeat {
                i -= 1
                digits[i] = UInt8(48 + n % 10)
                n /= 10
            } while n > 0
            c.routeLine.append(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(digits)[i..<20]),
                               pool: &arenas)
        }
        appendRoute(c, "\r\n")
    }

    private func appendRoute(_ c: ClientConnection, _ text: StaticString) {
        text.withUTF8Buffer { c.routeLine.append(UnsafeRawBufferPointer($0), pool: &arenas) }
    }

    private func appendRoute(_ c: ClientConnection, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { c.routeLine.append($0, pool: &arenas) }
    }
}

extension FallbackTriggers {
    /// The trigger an attempt's outcome counts as.
    init(_ outcome: AttemptOutcome) {
        switch outcome {
        case .rateLimited: self = .rateLimited
        case .timeout: self = .timeout
        default: self = .serverError
        }
    }
}
