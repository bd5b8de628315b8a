import Foundation
import Testing
@testable import RingwayBenchCore

private let request = RequestBuilder.build(
    path: "/v1/chat/completions", hostHeader: "127.0.0.1", headers: [], body: Array(RequestBuilder.defaultBody.utf8))

private func run(
    _ server: TinyHTTPServer, mode: LoadPlan.Mode, connections: Int, duration: Double, warmup: Double = 0,
    timeout: Double = 2, backlog: Int? = nil
) throws -> LoadResult {
    let plan = LoadPlan(
        host: "127.0.0.1", port: server.port, request: request, connections: connections, duration: duration,
        warmup: warmup, mode: mode, timeout: timeout, backlogLimit: backlog)
    return try LoadGenerator(plan: plan).run()
}

/// Timing-sensitive: run one at a time so they do not compete for the two cores.
@Suite(.serialized) struct LoadGeneratorTests {
    @Test(.timeLimit(.minutes(1)))
    func openLoopHoldsTheRequestedRate() throws {
        let server = try TinyHTTPServer()
        defer { server.stop() }
        let result = try run(server, mode: .openLoop(ratePerSecond: 2000, poisson: false, seed: 0), connections: 8, duration: 1)
        #expect(result.scheduled == 2000)
        #expect(result.sent == 2000)
        #expect(server.requestCount == 2000)
        #expect(result.completed == 2000)
        #expect(result.errors.total == 0)
        #expect(abs(result.achievedRate - 2000) / 2000 <= 0.03, "achieved \(result.achievedRate) req/s")
        #expect(result.latency.count == 2000)
    }

    @Test(.timeLimit(.minutes(1)))
    func poissonOpenLoopIsCountedLikeUniform() throws {
        let server = try TinyHTTPServer()
        defer { server.stop() }
        let result = try run(server, mode: .openLoop(ratePerSecond: 1000, poisson: true, seed: 5), connections: 4, duration: 0.5)
        // Same seed, same schedule: the count is whatever the seeded arrivals put in 0.5 s.
        var schedule = ArrivalSchedule(start: 0, ratePerSecond: 1000, poisson: true, seed: 5)
        var expected = 0
        while schedule.next < 500_000_000 {
            expected += 1
            schedule.advance()
        }
        #expect(result.scheduled == expected)
        #expect(result.completed == expected)
        #expect(server.requestCount == expected)
        #expect(abs(Double(expected) - 500) < 100)
    }

    @Test(.timeLimit(.minutes(1)))
    func aServerStallIsChargedToEveryRequestItDelayed() throws {
        // One connection at 1000 req/s; request 300 is answered 200 ms late. The ~200
        // requests due meanwhile queue, each timed from its intended send time, so
        // about a fifth of all latencies are spread over 0…200 ms. A tool timing from
        // the actual send would see one slow request and a clean p90.
        let stalling = TinyHTTPServer.Behaviour(
            response: { _ in Array(TinyHTTPServer.Behaviour.fixed.utf8) },
            delay: { $0 == 300 ? 0.2 : 0 })
        let server = try TinyHTTPServer(stalling)
        defer { server.stop() }
        let result = try run(server, mode: .openLoop(ratePerSecond: 1000, poisson: false, seed: 0), connections: 1, duration: 1)
        #expect(result.completed == 1000)
        #expect(result.errors.total == 0)
        #expect(result.latency.max >= 195_000_000)
        #expect(result.latency.percentile(90) >= 40_000_000, "p90 \(result.latency.percentile(90)) ns")
        #expect(result.latency.percentile(50) <= 20_000_000, "p50 \(result.latency.percentile(50)) ns")
    }

    @Test(.timeLimit(.minutes(1)))
    func closedLoopKeepsEveryConnectionBusy() throws {
        let server = try TinyHTTPServer()
        defer { server.stop() }
        let result = try run(server, mode: .closedLoop, connections: 4, duration: 0.5, warmup: 0.2)
        #expect(result.completed > 500)
        #expect(result.errors.total == 0)
        #expect(result.sent == result.completed)
        #expect(server.requestCount > result.sent)  // warm-up requests reached the server too
        #expect(result.measuredSeconds >= 0.5 && result.measuredSeconds < 0.7)
    }

    @Test(.timeLimit(.minutes(1)))
    func aFullBacklogShedsRequestsAndSilenceTimesOut() throws {
        let server = try TinyHTTPServer(.silent)
        defer { server.stop() }
        let result = try run(
            server, mode: .openLoop(ratePerSecond: 1000, poisson: false, seed: 0), connections: 2, duration: 0.3,
            timeout: 0.4, backlog: 10)
        #expect(result.scheduled == 300)
        #expect(result.errors[.backlog] == 288)  // 2 on the wire, 10 queued, the rest shed
        #expect(result.errors[.timeout] == 12)
        #expect(result.completed == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func errorsAreCountedByKind() throws {
        let notFound = try TinyHTTPServer(.answer("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n"))
        defer { notFound.stop() }
        let statuses = try run(notFound, mode: .openLoop(ratePerSecond: 200, poisson: false, seed: 0), connections: 2, duration: 0.2)
        #expect(statuses.errors[.status] == 40)
        #expect(statuses.completed == 0)

        var cut = TinyHTTPServer.Behaviour.answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        cut.closeAfterResponse = true
        let truncating = try TinyHTTPServer(cut)
        defer { truncating.stop() }
        let truncated = try run(truncating, mode: .openLoop(ratePerSecond: 200, poisson: false, seed: 0), connections: 2, duration: 0.2)
        #expect(truncated.errors[.truncated] == 40)

        let garbage = try TinyHTTPServer(.answer("SMTP ready\r\n\r\n"))
        defer { garbage.stop() }
        let malformed = try run(garbage, mode: .openLoop(ratePerSecond: 200, poisson: false, seed: 0), connections: 2, duration: 0.2)
        #expect(malformed.errors[.malformed] == 40)

        let plan = LoadPlan(
            host: "127.0.0.1", port: try unusedLoopbackPort(), request: request, connections: 2, duration: 0.2,
            mode: .closedLoop, timeout: 1)
        let refused = try LoadGenerator(plan: plan).run()
        #expect(refused.errors[.connect] >= 2)
        #expect(refused.completed == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func connectionCloseIsFollowedByAFreshConnectionNotAnError() throws {
        var closing = TinyHTTPServer.Behaviour.answer("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok")
        closing.closeAfterResponse = true
        let server = try TinyHTTPServer(closing)
        defer { server.stop() }
        let result = try run(server, mode: .openLoop(ratePerSecond: 200, poisson: false, seed: 0), connections: 2, duration: 0.25)
        #expect(result.completed == 50)
        #expect(result.errors.total == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func streamingResponsesRecordTimeToFirstByteAndChunkDelay() throws {
        // Each event claims it was sent 5 ms before we build the response.
        let sse = TinyHTTPServer.Behaviour(response: { _ in
            let stamp = Clock.realtimeNanoseconds() - 5_000_000
            let events = (0..<3).map { "data: {\"n\":\($0),\"mock_sent_ns\":\(stamp)}\n\n" }
            let body = events.map { String($0.utf8.count, radix: 16) + "\r\n" + $0 + "\r\n" }.joined()
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
            return Array((head + body + "0\r\n\r\n").utf8)
        })
        let server = try TinyHTTPServer(sse)
        defer { server.stop() }
        let result = try run(server, mode: .openLoop(ratePerSecond: 100, poisson: false, seed: 0), connections: 2, duration: 0.2)
        #expect(result.completed == 20)
        #expect(result.timeToFirstByte.count == 20)
        #expect(result.chunkDelay.count == 60)
        #expect(result.chunkDelay.min >= 5_000_000)
        #expect(result.chunkDelay.max < 500_000_000)
    }

    @Test func unresolvableTargetFailsBeforeSending() {
        let plan = LoadPlan(host: "no-such-host.invalid", port: 80, request: request, connections: 1, duration: 1, mode: .closedLoop)
        #expect(throws: LoadSetupError.self) { try LoadGenerator(plan: plan) }
    }
}
