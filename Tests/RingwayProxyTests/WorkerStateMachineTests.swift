import CRingwayEngine
import Testing
import RingwayIO
@testable import RingwayProxy

/// The proxy's connection state machines, socket-free: every test plays the
/// kernel through `FakeBackend` and checks the exact operations submitted.
@Suite struct WorkerStateMachineTests {
    static let request = "POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}"
    static let response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\nok"

    /// Client connected, request sent, upstream connected: returns the
    /// client's and the upstream's receive user_data and the upstream fd.
    static func openExchange(_ h: WorkerHarness, clientFD: Int32 = 7, request: String = request)
        -> (client: UserData, upstream: UserData, upstreamFD: Int32)
    {
        let client = h.accept(fd: clientFD)
        h.receive(client, request)
        let connect = h.lastConnect()!
        guard case .connect(let upFD) = connect.op else { fatalError() }
        h.complete(connect, res: 0)
        let upstream = h.lastRecord(.recv(fd: upFD))!.ud
        return (client, upstream, upFD)
    }

    @Test func aRequestIsRelayedAndTheUpstreamGoesBackToThePool() throws {
        let h = WorkerHarness()
        let (client, upstream, upFD) = Self.openExchange(h)
        let sent = try #require(h.lastSend(fd: upFD))
        #expect(sent.text.hasPrefix("POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\n"))
        #expect(sent.text.contains("X-Forwarded-For: 10.1.2.3\r\n"))
        #expect(sent.text.hasSuffix("\r\n\r\n{}"), "head and body leave in one send")
        h.complete(sent.record, res: Int32(sent.text.utf8.count))

        let mark = h.backend.mark
        let responseBid = h.receive(upstream, Self.response)
        let relayed = try #require(h.lastSend(fd: 7))
        #expect(relayed.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(relayed.text.hasSuffix("\r\n\r\nok"))
        // The body went out of the upstream's receive buffer: it is held
        // until the send completes, then returned.
        #expect(!h.buffers.recycled.contains(responseBid))
        h.completeSends(since: mark)
        #expect(h.buffers.recycled.contains(responseBid))
        #expect(h.buffers.inUse == 0)
        #expect(h.worker.routing.idle[0].count == 1)

        // The next request reuses the pooled connection: no new connect.
        let before = h.backend.mark
        h.receive(client, Self.request)
        #expect(!h.ops(since: before).contains { if case .connect = $0 { true } else { false } })
        #expect(h.lastSend(fd: upFD)?.text.hasPrefix("POST ") == true)
    }

    @Test func aSmugglingAttemptIsAnsweredWith400AndNeverReachesAnUpstream() throws {
        let h = WorkerHarness()
        let client = h.accept(fd: 7)
        let mark = h.backend.mark
        h.receive(client, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(h.lastConnect() == nil)
        let reply = try #require(h.lastSend(fd: 7))
        #expect(reply.text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(reply.text.contains("\"code\":\"ambiguous_framing\""))
        #expect(reply.text.contains("Connection: close\r\n"))
        h.completeSends(since: mark)
        // Lingering close: write side shut, input still drained until EOF.
        #expect(h.lastRecord(.shutdown(fd: 7)) != nil)
        #expect(h.lastRecord(.close(fd: 7)) == nil)
        h.endOfStream(client)
        #expect(h.lastRecord(.close(fd: 7)) != nil)
        #expect(h.buffers.inUse == 0)
    }

    @Test func aClientThatLeavesMidExchangeTakesItsUpstreamRequestWithIt() {
        let h = WorkerHarness()
        let (client, _, upFD) = Self.openExchange(h)
        h.endOfStream(client)
        #expect(h.lastRecord(.close(fd: upFD)) != nil, "the upstream request is dropped at once")
        #expect(h.lastRecord(.close(fd: 7)) != nil)
        #expect(h.worker.openUpstreams == 0)
    }

    @Test func aStaleCompletionOnlyReturnsItsBuffer() {
        let h = WorkerHarness()
        let client = h.accept(fd: 7)
        h.endOfStream(client)
        let close = h.lastRecord(.close(fd: 7))!
        h.complete(close, res: 0)
        // The slot is free; a late receive for its old owner must not touch it.
        let bid = h.receive(client, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(h.buffers.recycled.contains(bid))
        #expect(h.lastConnect() == nil)
    }

    @Test func pipelinedRequestsAreAnsweredOneAfterTheOther() throws {
        let h = WorkerHarness()
        let (_, upstream, upFD) = Self.openExchange(
            h, request: "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n")
        let first = try #require(h.lastSend(fd: upFD))
        #expect(first.text.hasPrefix("GET /a "))
        #expect(!first.text.contains("GET /b"), "the second request waits for the first response")
        h.complete(first.record, res: Int32(first.text.utf8.count))
        let mark = h.backend.mark
        h.receive(upstream, Self.response)
        h.completeSends(since: mark)
        let second = try #require(h.lastSend(fd: upFD))
        #expect(second.text.hasPrefix("GET /b "))
    }

    @Test func aSlowClientStopsTheUpstreamReceive() {
        let h = WorkerHarness { $0.highWatermarkBytes = 8192 }
        let (_, upstream, upFD) = Self.openExchange(h, request: "GET /big HTTP/1.1\r\nHost: a\r\n\r\n")
        h.completeSends(since: 0)
        h.receive(upstream, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        // The client never completes its sends: queued bytes pile up.
        for _ in 0..<4 { h.receive(upstream, String(repeating: "x", count: 3000)) }
        let cancels = h.backend.records.filter { if case .cancel(let t) = $0.op { t == upstream.raw } else { false } }
        #expect(cancels.count == 1, "upstream receive cancelled once the client fell behind")
        #expect(h.worker.upstreams[0].recv.wanted == false)
        _ = upFD
    }

    @Test func firstByteTimeoutAnswers504AndDropsTheUpstream() throws {
        let h = WorkerHarness { $0.firstByteTimeoutMs = 300 }
        let (_, _, upFD) = Self.openExchange(h)
        h.completeSends(since: 0)
        h.advance(milliseconds: 200)
        #expect(h.lastSend(fd: 7) == nil)
        h.advance(milliseconds: 150)
        let reply = try #require(h.lastSend(fd: 7))
        #expect(reply.text.hasPrefix("HTTP/1.1 504 Gateway Timeout\r\n"))
        #expect(h.lastRecord(.close(fd: upFD)) != nil)
    }

    @Test func anUpstreamThatDiesMidStreamIsSurfacedAsAnErrorEventAndATruncatedStream() throws {
        let h = WorkerHarness()
        let (_, upstream, _) = Self.openExchange(h)
        h.completeSends(since: 0)
        let event = "data: {\"choices\":[]}\n\n"
        let beforeResponse = h.backend.mark
        h.receive(upstream, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
            + String(event.utf8.count, radix: 16) + "\r\n" + event + "\r\n")
        h.completeSends(since: beforeResponse)
        let mark = h.backend.mark
        h.endOfStream(upstream)
        let cut = try #require(h.lastSend(fd: 7))
        #expect(h.backend.records(since: mark).contains { $0.op == cut.record.op })
        // One complete chunk carrying the error event, then no terminator.
        #expect(cut.text.contains("data: {\"error\":{\"message\":\"upstream closed the connection mid-response\""))
        #expect(!cut.text.hasSuffix("0\r\n\r\n"))
        h.completeSends(since: mark)
        #expect(h.lastRecord(.shutdown(fd: 7)) != nil)
    }

    @Test func aStreamHeadAndTheEventsOfTheSameBatchLeaveInOneSend() throws {
        let h = WorkerHarness()
        let (_, upstream, _) = Self.openExchange(h)
        h.completeSends(since: 0)
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
        let event = "data: {\"choices\":[]}\n\n"
        let chunk = String(event.utf8.count, radix: 16) + "\r\n" + event + "\r\n"
        // The upstream's packets split head and first event over two
        // completions of one batch: the client still gets one send.
        let mark = h.backend.mark
        h.dispatchBatch([h.received(upstream, head), h.received(upstream, chunk)])
        let sends = h.ops(since: mark).filter { if case .send(7, _) = $0 { true } else { false } }
        #expect(sends.count == 1)
        let sent = try #require(h.lastSend(fd: 7))
        #expect(sent.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(sent.text.hasSuffix("\r\n\r\n" + chunk))

        // An event arriving in a later turn is not held for company: it
        // leaves in that turn, once the previous send has completed.
        h.completeSends(since: mark)
        let next = h.backend.mark
        h.receive(upstream, chunk)
        #expect(h.lastSend(fd: 7)?.text == chunk)
        #expect(h.backend.records(since: next).contains { if case .send(7, _) = $0.op { true } else { false } })
    }

    @Test func aHeadThatArrivesAloneIsSentInItsOwnTurn() throws {
        let h = WorkerHarness()
        let (_, upstream, _) = Self.openExchange(h)
        h.completeSends(since: 0)
        let mark = h.backend.mark
        h.receive(upstream, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
        let sent = try #require(h.lastSend(fd: 7))
        #expect(h.backend.records(since: mark).contains { $0.op == sent.record.op })
        #expect(sent.text.hasSuffix("\r\n\r\n"))
    }

    @Test func aWaitForAnAnswerSpinsOnlyWhileTheEndpointUsuallyAnswersWithinTheBudget() throws {
        let h = WorkerHarness { $0.answerSpinMicroseconds = 200 }
        let (client, upstream, upFD) = Self.openExchange(h)
        // Nothing is known of the endpoint yet: its first answer is spun for.
        #expect(h.worker.spunAnswers == 1)
        #expect(h.worker.answerSpinUntil == h.worker.now + 200_000)
        var mark = 0
        func completeSends() {
            h.completeSends(since: mark)
            mark = h.backend.mark
        }
        completeSends()
        // It answers 50 µs later: the wait is over and learned.
        h.worker.now += 50_000
        h.receive(upstream, Self.response)
        #expect(h.worker.spunAnswers == 0)
        #expect(h.worker.routing.answerDelayNs[0] == 50_000)
        completeSends()

        // The next request spins again, but its answer's body takes 5 ms
        // (a model's prefill) behind an early head: the average passes the
        // budget, so the request after that waits asleep.
        h.worker.now += 1_000_000
        h.receive(client, Self.request)
        #expect(h.worker.answerSpinUntil == h.worker.now + 200_000)
        completeSends()
        h.receive(upstream, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(h.worker.spunAnswers == 1, "a head alone is not the answer's body")
        #expect(h.worker.clients[0].awaitingAnswer)
        completeSends()
        h.worker.now += 5_000_000
        h.receive(upstream, "5\r\nhello\r\n0\r\n\r\n")
        #expect(h.worker.spunAnswers == 0)
        #expect(h.worker.routing.answerDelayNs[0] > 200_000)
        completeSends()
        let spunUntil = h.worker.answerSpinUntil
        h.worker.now += 1_000_000
        h.receive(client, Self.request)
        #expect(h.worker.spunAnswers == 0)
        #expect(h.worker.answerSpinUntil == spunUntil)
        #expect(h.lastSend(fd: upFD)?.text.hasPrefix("POST ") == true)

        // The slow answer is still learned from, so an endpoint that speeds
        // up is spun for again.
        let before = h.worker.routing.answerDelayNs[0]
        completeSends()
        h.worker.now += 10_000
        h.receive(upstream, Self.response)
        #expect(h.worker.routing.answerDelayNs[0] < before)
        completeSends()

        // A client that leaves ends the wait without teaching anything.
        h.worker.now += 1_000_000
        h.receive(client, Self.request)
        let learned = h.worker.routing.answerDelayNs[0]
        h.endOfStream(client)
        #expect(h.worker.routing.answerDelayNs[0] == learned)
    }

    @Test func theAnswerWaitStartsWhenTheRequestCanLeave() throws {
        let h = WorkerHarness { $0.answerSpinMicroseconds = 200 }
        let client = h.accept(fd: 7)
        // A streamed body: half now, the rest 3 ms later; the connection
        // itself takes 1 ms. Neither is the endpoint's answer time.
        h.receive(client, "POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\n{}")
        let connect = h.lastConnect()!
        guard case .connect(let upFD) = connect.op else { fatalError() }
        h.worker.now += 1_000_000
        h.complete(connect, res: 0)
        #expect(h.worker.answerSpinUntil == h.worker.now + 200_000)
        let upstream = h.lastRecord(.recv(fd: upFD))!.ud
        h.worker.now += 3_000_000
        h.receive(client, "{}")
        #expect(h.worker.answerSpinUntil == h.worker.now + 200_000)
        h.worker.now += 40_000
        h.receive(upstream, Self.response)
        #expect(h.worker.routing.answerDelayNs[0] == 40_000)
    }

    @Test func drainingLetsAKeepAliveAnswerStillLeavingFinish() throws {
        let h = WorkerHarness()
        let (_, upstream, _) = Self.openExchange(h)
        h.completeSends(since: 0)
        let mark = h.backend.mark
        h.receive(upstream, Self.response)
        let answer = try #require(h.lastSend(fd: 7))
        #expect(h.backend.records(since: mark).contains { $0.op == answer.record.op })
        // The exchange is over for the worker (the client awaits its next
        // request) but the answer's send has not completed.
        h.worker.beginDrain()
        #expect(h.lastRecord(.close(fd: 7)) == nil)
        h.complete(answer.record, res: Int32(answer.text.utf8.count))
        #expect(h.lastRecord(.shutdown(fd: 7)) != nil, "closed after the answer left, gracefully")
    }

    @Test func noSpinBudgetMeansNoWaitIsCounted() {
        let h = WorkerHarness { $0.answerSpinMicroseconds = 0 }
        _ = Self.openExchange(h)
        #expect(h.worker.spunAnswers == 0)
        #expect(h.worker.answerSpinUntil == 0)
    }

    @Test func slowlorisGets408AfterTheHeaderTimeout() throws {
        let h = WorkerHarness { $0.headerTimeoutMs = 500 }
        let client = h.accept(fd: 7)
        h.receive(client, "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ")
        h.advance(milliseconds: 400)
        #expect(h.lastSend(fd: 7) == nil)
        h.advance(milliseconds: 200)
        let reply = try #require(h.lastSend(fd: 7))
        #expect(reply.text.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
    }

    @Test func aFullPoolAnswers503() throws {
        let h = WorkerHarness { $0.poolMaxPerWorker = 1 }
        _ = Self.openExchange(h, clientFD: 7)
        let second = h.accept(fd: 8)
        h.receive(second, Self.request)
        let reply = try #require(h.lastSend(fd: 8))
        #expect(reply.text.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(reply.text.contains("upstream_pool_full"))
    }
}
