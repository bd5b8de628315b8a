import RingwayHTTP
import RingwayIO

/// The response half: what each endpoint answers, composed into the
/// connection's output buffer (a small response leaves in one send).
extension MockWorker {

    /// The request has been read: answer it now, or start producing the answer.
    func dispatchRequest(_ c: MockConnection) {
        if let why = c.shape.invalid { return respondBadRequest(c, why) }
        if c.endpoint == .echo {
            respondEcho(c)
            return finishExchange(c)
        }
        switch c.shape.failure {
        case .reset:
            return beginClosing(c, reset: true)
        case .hang:
            c.phase = .hanging
            return discardInbound(c)
        default:
            break
        }
        switch c.endpoint {
        case .chat, .completions, .embeddings:
            return startGeneration(c)
        case .bytes:
            return startBytes(c)
        case .health:
            respond(c, status: 200, contentType: "text/plain", body: "ok")
        case .models:
            respondModels(c)
        case .metrics:
            respondMetrics(c)
        case .requestLog:
            if c.methodCount == 6 && exactEquals(c.requestLine.base, 6, "DELETE") {
                for log in shared.requestLogs { log.clear() }
                for log in shared.abortLogs { log.clear() }
            }
            respondRequestLog(c)
        case .abortLog:
            respondAbortLog(c)
        case .echo, .notFound:
            message.removeAll()
            message.append("no route for ")
            message.append(c.requestLine)
            respondError(c, status: 404, message: message.bytes, type: "mock_error", code: nil)
        }
        finishExchange(c)
    }

    /// The response is fully composed: next request, or close.
    func finishExchange(_ c: MockConnection) {
        guard c.phase != .closed && c.phase != .closing else { return }
        if c.keepAlive {
            c.phase = .head
            flush(c)
        } else {
            beginClosing(c, reset: false)
        }
    }

    // MARK: heads

    /// Status line and the fixture's fields (`x-mock-conn`, `x-mock-seq`,
    /// `server`), then the framing; `length` nil means chunked.
    func writeHead(_ c: MockConnection, status: Int, contentType: StaticString, length: Int?, eventStream: Bool = false) {
        let out = c.filling
        out.append("HTTP/1.1 ")
        out.appendDecimal(status)
        out.append(byte: UInt8(ascii: " "))
        out.append(HTTPStatusReason.phrase(status))
        out.append("\r\nx-mock-conn: ")
        out.appendDecimal(c.number)
        out.append("\r\nx-mock-seq: ")
        out.appendDecimal(c.sequence)
        out.append("\r\nserver: mock-upstream\r\ncontent-type: ")
        out.append(contentType)
        if eventStream { out.append("\r\ncache-control: no-cache") }
        if let length {
            out.append("\r\ncontent-length: ")
            out.appendDecimal(length)
        } else if eventStream && c.shape.closeDelimited {
            c.keepAlive = false
        } else {
            out.append("\r\ntransfer-encoding: chunked")
        }
        out.append("\r\n")
        var padded = 0
        var line = 0
        while padded < c.shape.headerPadding {
            let n = min(4000, c.shape.headerPadding &- padded)
            out.append("x-mock-padding-")
            out.appendDecimal(line)
            out.append(": ")
            out.append(repeating: UInt8(ascii: "p"), count: n)
            out.append("\r\n")
            padded &+= n
            line &+= 1
        }
        if !c.keepAlive { out.append("connection: close\r\n") }
        out.append("\r\n")
    }

    /// A complete response whose body is in `scratch`.
    func respondScratch(_ c: MockConnection, status: Int, contentType: StaticString) {
        writeHead(c, status: status, contentType: contentType, length: scratch.count)
        if !c.isHEAD { c.filling.append(scratch) }
    }

    func respond(_ c: MockConnection, status: Int, contentType: StaticString, body: StaticString) {
        scratch.removeAll()
        scratch.append(body)
        respondScratch(c, status: status, contentType: contentType)
    }

    /// `{"error": {"message", "type", "param": null, "code"}}`; `code` nil
    /// means the status as a string, like the fixture.
    func respondError(_ c: MockConnection, status: Int, message text: UnsafeRawBufferPointer, type: StaticString,
                      code: StaticString?) {
        scratch.removeAll()
        scratch.append("{\"error\":{\"message\":\"")
        if let p = text.baseAddress { scratch.appendJSONEscaped(p, text.count) }
        scratch.append("\",\"type\":\"")
        scratch.append(type)
        scratch.append("\",\"param\":null,\"code\":\"")
        if let code { scratch.append(code) } else { scratch.appendDecimal(status) }
        scratch.append("\"}}")
        respondScratch(c, status: status, contentType: "application/json")
    }

    // MARK: generations (chat, completions, embeddings)

    func startGeneration(_ c: MockConnection) {
        if c.shape.status != 0 {
            message.removeAll()
            message.append("mock status ")
            message.appendDecimal(c.shape.status)
            respondError(c, status: c.shape.status, message: message.bytes, type: "mock_error", code: nil)
            return finishExchange(c)
        }
        if settings.contextWindow > 0 && c.bodyLength / 4 > settings.contextWindow {
            message.removeAll()
            message.append("This model's maximum context length is ")
            message.appendDecimal(settings.contextWindow)
            message.append(" tokens. However, you requested ")
            message.appendDecimal(c.bodyLength / 4)
            message.append(" tokens in the messages.")
            respondError(c, status: 400, message: message.bytes, type: "invalid_request_error",
                         code: "context_length_exceeded")
            return finishExchange(c)
        }
        guard c.fields.isObject else {
            respondError(c, status: 400, message: UnsafeRawBufferPointer(staticString: "body is not JSON"),
                         type: "mock_error", code: nil)
            return finishExchange(c)
        }
        c.stream = c.endpoint != .embeddings && c.fields.stream
        // Admission: a free slot, else the queue, else refused. Newcomers
        // queue behind this worker's waiters rather than overtake them.
        pruneWaiters()
        if waitersHead == waiters.count && shared.gate.tryAcquire() {
            c.holdsSlot = true
            c.stage = .generating
        } else if shared.gate.tryEnqueue() {
            c.stage = .queued
            waiters.append(UInt64(UInt32(bitPattern: c.slot)) << 32 | UInt64(c.generation))
        } else {
            stats.countRejected()
            let status = settings.overloadStatus
            message.removeAll()
            message.append("mock engine at capacity: ")
            message.appendDecimal(shared.gate.running.load(ordering: .relaxed))
            message.append(" running, ")
            message.appendDecimal(shared.gate.waiting.load(ordering: .relaxed))
            message.append(" waiting")
            respondError(c, status: status, message: message.bytes,
                         type: OpenAIErrorBody.errorType(forStatus: status),
                         code: status == 429 ? "rate_limit_exceeded" : "server_is_overloaded")
            return finishExchange(c)
        }
        c.phase = .responding
        c.eventIndex = 0
        c.tokensEmitted = 0
        if c.stream {
            writeHead(c, status: 200, contentType: "text/event-stream", length: nil, eventStream: true)
            flush(c)
        }
        guard c.stage == .generating else { return }
        startClock(c)
        // The benchmark's common case answers at once, without the wheel.
        continueResponse(c)
    }

    /// A slot was granted: the TTFT starts now.
    func startClock(_ c: MockConnection) {
        c.due = now &+ c.shape.ttftNanoseconds
        // The fixture waits one inter-token gap before the finish event
        // even when there are no tokens.
        if c.stream && c.shape.tokens == 0 { c.due &+= c.shape.itlNanoseconds }
    }

    /// Produces whatever is due: a whole non-streamed answer after the TTFT,
    /// the next stream event (each its own send), the next piece of `/bytes`.
    func continueResponse(_ c: MockConnection) {
        switch c.endpoint {
        case .bytes:
            produceBytes(c)
            flush(c)
            return
        default:
            break
        }
        guard c.stage == .generating else { return flush(c) }
        if c.due > now {
            flush(c)
            timers.schedule(c.slot, at: c.due)
            return
        }
        if !c.stream {
            switch c.endpoint {
            case .embeddings: respondEmbeddings(c)
            case .completions: respondCompletion(c, chat: false)
            default: respondCompletion(c, chat: true)
            }
            stats.countCompletion(promptTokens: 9, generated: c.endpoint == .embeddings ? 0 : c.shape.tokens)
            leaveGeneration(c)
            return finishExchange(c)
        }
        // One event per send: the next waits for the previous to leave.
        guard c.outputIdle else { return flush(c) }
        emitStreamEvent(c)
        guard c.phase == .responding else { return }
        flush(c)
        if c.due > now { timers.schedule(c.slot, at: c.due) }
    }

    func emitStreamEvent(_ c: MockConnection) {
        let tokens = c.shape.tokens
        let chat = c.endpoint == .chat
        let i = c.eventIndex
        if i < tokens {
            writeChunkEvent(c, chat: chat, token: i, finish: false, usage: false)
            c.tokensEmitted &+= 1
            c.eventIndex &+= 1
            c.due &+= c.shape.itlNanoseconds
            if c.shape.failure == .midstream && i == 1 {
                // Two events, then FIN without the terminating chunk.
                leaveGeneration(c)
                return beginClosing(c, reset: false)
            }
        } else if i == tokens {
            writeChunkEvent(c, chat: chat, token: -1, finish: true, usage: false)
            c.eventIndex &+= 1
        } else if i == tokens &+ 1 && c.fields.includeUsage {
            writeChunkEvent(c, chat: chat, token: -1, finish: false, usage: true)
            c.eventIndex &+= 1
        } else {
            c.filling.append(c.shape.closeDelimited ? "data: [DONE]\n\n" : "e\r\ndata: [DONE]\n\n\r\n0\r\n\r\n")
            stats.countCompletion(promptTokens: 9, generated: tokens)
            leaveGeneration(c)
            finishExchange(c)
        }
    }

    /// Leaves the queue or gives the slot back; a freed slot goes to the
    /// oldest waiter.
    func leaveGeneration(_ c: MockConnection) {
        switch c.stage {
        case .queued:
            shared.gate.leaveQueue()
        case .generating:
            if c.holdsSlot {
                c.holdsSlot = false
                shared.gate.release()
                if waitersHead < waiters.count { admitWaiters() }
            }
        case .none:
            break
        }
        c.stage = .none
        timers.cancel(c.slot)
    }

    /// Drops waiters at the front whose connection has gone.
    func pruneWaiters() {
        while waitersHead < waiters.count {
            let entry = waiters[waitersHead]
            let c = connections[Int(entry >> 32)]
            if c.generation == UInt32(truncatingIfNeeded: entry) && c.stage == .queued { return }
            waitersHead &+= 1
        }
        waiters.removeAll(keepingCapacity: true)
        waitersHead = 0
    }

    /// Gives free slots to waiters in arrival order. They are stepped from the
    /// loop (`stepReady`), never from here, so a long queue draining costs no
    /// stack.
    func admitWaiters() {
        pruneWaiters()
        while waitersHead < waiters.count {
            let entry = waiters[waitersHead]
            let c = connections[Int(entry >> 32)]
            guard c.generation == UInt32(truncatingIfNeeded: entry) && c.stage == .queued else {
                waitersHead &+= 1
                continue
            }
            guard shared.gate.tryAcquire() else { break }
            waitersHead &+= 1
            shared.gate.leaveQueue()
            c.holdsSlot = true
            c.stage = .generating
            startClock(c)
            ready.append(entry)
        }
        if waitersHead == waiters.count {
            waiters.removeAll(keepingCapacity: true)
            waitersHead = 0
        }
    }

    func stepReady() {
        var i = 0
        while i < ready.count {
            let entry = ready[i]
            let c = connections[Int(entry >> 32)]
            if c.generation == UInt32(truncatingIfNeeded: entry) && c.phase == .responding { advance(c) }
            i &+= 1
        }
        ready.removeAll(keepingCapacity: true)
    }

    // MARK: bodies

    /// `"tok0 tok1 … "`, the fixture's deterministic content.
    func appendContent(_ out: GrowableBytes, tokens: Int) {
        for i in 0..<tokens {
            out.append("tok")
            out.appendDecimal(i)
            out.append(byte: UInt8(ascii: " "))
        }
    }

    func appendUsage(_ out: GrowableBytes, completionTokens: Int) {
        out.append("{\"prompt_tokens\":9,\"completion_tokens\":")
        out.appendDecimal(completionTokens)
        out.append(",\"total_tokens\":")
        out.appendDecimal(9 &+ completionTokens)
        out.append("}")
    }

    func respondCompletion(_ c: MockConnection, chat: Bool) {
        let tokens = c.shape.tokens
        scratch.removeAll()
        if chat {
            scratch.append("{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion\",\"created\":1735689600,\"model\":\"")
        } else {
            scratch.append("{\"id\":\"cmpl-mock\",\"object\":\"text_completion\",\"created\":1735689600,\"model\":\"")
        }
        scratch.append(c.model)
        if chat {
            scratch.append("\",\"system_fingerprint\":\"fp_mock\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"")
        } else {
            scratch.append("\",\"system_fingerprint\":\"fp_mock\",\"choices\":[{\"index\":0,\"text\":\"")
        }
        appendContent(scratch, tokens: tokens)
        scratch.append(chat ? "\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":"
                            : "\",\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":")
        appendUsage(scratch, completionTokens: tokens)
        scratch.append("}")
        respondScratch(c, status: 200, contentType: "application/json")
    }

    func respondEmbeddings(_ c: MockConnection) {
        scratch.removeAll()
        scratch.append("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":")
        if c.fields.base64Embeddings {
            scratch.append("\"")
            scratch.append(MockEmbedding.base64)
            scratch.append("\"")
        } else {
            scratch.append("[")
            scratch.append(MockEmbedding.decimals)
            scratch.append("]")
        }
        scratch.append("}],\"model\":\"")
        scratch.append(c.model)
        scratch.append("\",\"usage\":{\"prompt_tokens\":9,\"total_tokens\":9}}")
        respondScratch(c, status: 200, contentType: "application/json")
    }

    /// One SSE event in its own HTTP chunk, stamped with its send time.
    func writeChunkEvent(_ c: MockConnection, chat: Bool, token: Int, finish: Bool, usage: Bool) {
        scratch.removeAll()
        if chat {
            scratch.append("data: {\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,\"model\":\"")
        } else {
            scratch.append("data: {\"id\":\"cmpl-mock\",\"object\":\"text_completion\",\"created\":1735689600,\"model\":\"")
        }
        scratch.append(c.model)
        scratch.append("\",\"system_fingerprint\":\"fp_mock\",\"choices\":")
        if usage {
            scratch.append("[],\"usage\":")
            appendUsage(scratch, completionTokens: c.shape.tokens)
        } else {
            if chat {
                if finish {
                    scratch.append("[{\"index\":0,\"delta\":{}")
                } else {
                    scratch.append(token == 0 ? "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"tok"
                                              : "[{\"index\":0,\"delta\":{\"content\":\"tok")
                    scratch.appendDecimal(token)
                    scratch.append(" \"}")
                }
            } else {
                if finish {
                    scratch.append("[{\"index\":0,\"text\":\"\"")
                } else {
                    scratch.append("[{\"index\":0,\"text\":\"tok")
                    scratch.appendDecimal(token)
                    scratch.append(" \"")
                }
            }
            scratch.append(finish ? ",\"logprobs\":null,\"finish_reason\":\"stop\"}]"
                                  : ",\"logprobs\":null,\"finish_reason\":null}]")
            // As OpenAI does: with include_usage, every other chunk says
            // `"usage":null`; without it, chunks have no usage member.
            if c.fields.includeUsage { scratch.append(",\"usage\":null") }
        }
        scratch.append(",\"mock_sent_ns\":")
        scratch.appendDecimal(realtimeNanoseconds())
        scratch.append("}\n\n")
        let out = c.filling
        if c.shape.closeDelimited {
            out.append(scratch)
            return
        }
        out.appendHex(scratch.count)
        out.append("\r\n")
        out.append(scratch)
        out.append("\r\n")
    }

    // MARK: /bytes

    func readBytesQuery(_ c: MockConnection, _ query: UnsafeRawBufferPointer) {
        var bad = false
        let p = query.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        let n = query.count
        c.bytesTotal = max(0, queryInteger(p, n, "n", invalid: &bad) ?? 0)
        c.bytesChunked = (queryInteger(p, n, "chunked", invalid: &bad) ?? 0) == 1
        c.bytesPiece = max(1, min(queryInteger(p, n, "chunk", invalid: &bad) ?? BytePattern.piece, BytePattern.piece))
        c.bytesFailAfter = queryInteger(p, n, "fail_after", invalid: &bad) ?? -1
        c.bytesProduced = 0
        if bad { c.shape.invalid = "bad /bytes query parameter" }
    }

    func startBytes(_ c: MockConnection) {
        if c.shape.failure == .midstream { c.bytesFailAfter = c.bytesTotal / 2 }
        writeHead(c, status: 200, contentType: "application/octet-stream",
                  length: c.bytesChunked ? nil : c.bytesTotal)
        if c.isHEAD { return finishExchange(c) }
        c.phase = .responding
        continueResponse(c)
    }

    /// Tops the output up to 128 KiB of pattern bytes (byte i is i % 251).
    func produceBytes(_ c: MockConnection) {
        while c.phase == .responding && c.outputPending < 128 * 1024 {
            if c.bytesProduced >= c.bytesTotal {
                if c.bytesChunked { c.filling.append("0\r\n\r\n") }
                return finishExchange(c)
            }
            var size = min(c.bytesPiece, c.bytesTotal &- c.bytesProduced)
            if c.bytesFailAfter >= 0 && c.bytesFailAfter < c.bytesProduced &+ size {
                size = max(0, c.bytesFailAfter &- c.bytesProduced)
            }
            if size > 0 {
                let from = BytePattern.bytes + c.bytesProduced % 251
                if c.bytesChunked {
                    c.filling.appendHex(size)
                    c.filling.append("\r\n")
                    c.filling.append(from, size)
                    c.filling.append("\r\n")
                } else {
                    c.filling.append(from, size)
                }
                c.bytesProduced &+= size
            }
            if c.bytesProduced == c.bytesFailAfter {
                return beginClosing(c, reset: false)  // FIN short of the framing's end
            }
        }
    }

    // MARK: /echo

    /// `{"method": …, "path": …, "headers": [[name, value], …], ` — taken
    /// while the head is still in its buffer; the body fields follow at the end.
    func startEcho(_ c: MockConnection, method: UnsafeRawBufferPointer, target: UnsafeRawBufferPointer,
                   source: UnsafeRawPointer) {
        let out = c.echoPrefix
        out.removeAll()
        out.append("{\"method\": \"")
        out.appendJSONEscaped(method.baseAddress!, method.count)
        out.append("\", \"path\": \"")
        out.appendJSONEscaped(target.baseAddress!, target.count)
        out.append("\", \"headers\": [")
        for (i, field) in c.request.headers.enumerated() {
            if i > 0 { out.append(", ") }
            out.append("[\"")
            out.appendJSONEscaped(source + Int(field.name.start), field.name.count)
            out.append("\", \"")
            out.appendJSONEscaped(source + Int(field.value.start), field.value.count)
            out.append("\"]")
        }
        out.append("], ")
        if c.digest == nil { c.digest = SHA256() } else { c.digest!.reset() }
    }

    func respondEcho(_ c: MockConnection) {
        scratch.removeAll()
        scratch.append(c.echoPrefix)
        scratch.append("\"body_len\": ")
        scratch.appendDecimal(c.bodyLength)
        scratch.append(", \"body_sha256\": \"")
        c.digest!.finish(into: scratch)
        scratch.append("\"}")
        respondScratch(c, status: 200, contentType: "application/json")
        c.echoPrefix.shrink(ifAbove: 16384, to: 16)
    }

    // MARK: models, metrics, control endpoints

    func respondModels(_ c: MockConnection) {
        scratch.removeAll()
        scratch.append("{\"object\":\"list\",\"data\":[{\"id\":\"")
        scratch.append(defaultModel)
        scratch.append("\",\"object\":\"model\",\"created\":1735689600,\"owned_by\":\"ringway-mock\"}]}")
        respondScratch(c, status: 200, contentType: "application/json")
    }

    func respondMetrics(_ c: MockConnection) {
        let text = MetricsText.render(shared)
        scratch.removeAll()
        text.utf8CString.withUnsafeBufferPointer { scratch.append(UnsafeRawPointer($0.baseAddress!), $0.count - 1) }
        respondScratch(c, status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8")
    }

    func appendLines(_ entries: [RequestLog.Entry]) {
        scratch.append("[")
        for (i, entry) in entries.enumerated() {
            if i > 0 { scratch.append(", ") }
            scratch.append("\"")
            entry.line.withUnsafeBytes { scratch.appendJSONEscaped($0.baseAddress!, $0.count) }
            scratch.append("\"")
        }
        scratch.append("]")
    }

    func respondRequestLog(_ c: MockConnection) {
        scratch.removeAll()
        appendLines(RequestLog.merged(shared.requestLogs))
        respondScratch(c, status: 200, contentType: "application/json")
    }

    func respondAbortLog(_ c: MockConnection) {
        let entries = RequestLog.merged(shared.abortLogs)
        scratch.removeAll()
        scratch.append("{\"count\": ")
        scratch.appendDecimal(entries.count)
        scratch.append(", \"requests\": ")
        appendLines(entries)
        scratch.append("}")
        respondScratch(c, status: 200, contentType: "application/json")
    }
}

extension UnsafeRawBufferPointer {
    init(staticString s: StaticString) {
        self.init(start: s.utf8Start, count: s.utf8CodeUnitCount)
    }
}
