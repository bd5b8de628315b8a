import Foundation
import Glibc
import RingwayIO
import Testing
@testable import RingwayProxy
@testable import RingwayRouter

/// The prober thread against in-test servers, with 20 ms intervals so each
/// test settles well within a second.
@Suite struct EndpointProberTests {
    typealias F = ProbeFixtures
    static let ok = ProbeTestServer.Reply.bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    static let unavailable = ProbeTestServer.Reply.bytes("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")

    static func local(_ server: ProbeTestServer) -> EndpointAddress { .http(host: "127.0.0.1", port: server.port) }

    @Test func unhealthyAfterFailuresAndHealthyAgainAfterSuccesses() throws {
        let server = ProbeTestServer.tcp { _ in Self.unavailable }
        defer { server.stop() }
        let table = F.table([F.pool("p", [Self.local(server)], health: F.health(unhealthyAfter: 2, healthyAfter: 3))])
        let shared = table.endpoints[0].shared
        let log = LogLines()
        let prober = EndpointProber(source: RoutingTableSource(table), log: log.sink)
        prober.start()
        defer { prober.stop() }

        #expect(F.waitUntil { !shared.isHealthy })
        #expect(server.requests.count >= 2)
        let url = "http://127.0.0.1:\(server.port)"
        #expect(log.all == ["endpoint \(url) unhealthy: health check /health returned 503"])

        let failures = server.requests.count
        server.setReply { _ in Self.ok }
        #expect(F.waitUntil { shared.isHealthy })
        #expect(server.requests.count >= failures + 3)
        #expect(log.all.last == "endpoint \(url) healthy again")
    }

    @Test func aRefusedEndpointIsMarkedDownWithTheReason() {
        let (fd, port) = ProbeTestServer.refusedPort()
        defer { close(fd) }
        let table = F.table([F.pool("p", [.http(host: "127.0.0.1", port: port)], health: F.health(unhealthyAfter: 1))])
        let log = LogLines()
        let prober = EndpointProber(source: RoutingTableSource(table), log: log.sink)
        prober.start()
        defer { prober.stop() }
        #expect(F.waitUntil { !table.endpoints[0].shared.isHealthy })
        #expect(log.all.first == "endpoint http://127.0.0.1:\(port) unhealthy: health check /health failed: connect to 127.0.0.1:\(port) refused")
    }

    @Test func scrapedVLLMFiguresAreRecorded() {
        let body = """
            # HELP vllm:num_requests_waiting Number of requests waiting.
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting{model_name="m"} 3.0
            vllm:num_requests_running{model_name="m"} 5.0
            vllm:kv_cache_usage_perc{model_name="m"} 0.25

            """
        let server = ProbeTestServer.tcp { _ in .bytes("HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)") }
        defer { server.stop() }
        let table = F.table([F.pool("p", [Self.local(server)], metrics: F.metrics())])
        let shared = table.endpoints[0].shared
        let prober = EndpointProber(source: RoutingTableSource(table))
        prober.start()
        defer { prober.stop() }

        #expect(F.waitUntil { shared.lastScrapeNs != 0 })
        #expect(shared.waiting == 3)
        #expect(shared.running == 5)
        #expect(shared.kvCacheUsage == 0.25)
        #expect(shared.hasLoad(now: monotonicNanoseconds(), maxAgeNs: 1_000_000_000))
        #expect(server.requests.first?.hasPrefix("GET /metrics HTTP/1.1\r\n") == true)
    }

    @Test func aFailingScrapeIsLoggedOnceAndLeavesTheOldFigures() {
        let server = ProbeTestServer.tcp { _ in Self.unavailable }
        defer { server.stop() }
        let table = F.table([F.pool("p", [Self.local(server)], metrics: F.metrics())])
        let shared = table.endpoints[0].shared
        shared.recordLoad(waiting: 7, running: 1, kvCacheUsage: 0.5, at: 42)
        let log = LogLines()
        let prober = EndpointProber(source: RoutingTableSource(table), log: log.sink)
        prober.start()
        #expect(F.waitUntil { server.requests.count >= 4 })
        prober.stop()
        #expect(shared.waiting == 7 && shared.lastScrapeNs == 42)
        #expect(log.all == ["endpoint http://127.0.0.1:\(server.port) metrics scrape /metrics returned 503; its load figures will age out"])
    }

    @Test func aTableChangeIsPickedUp() {
        let server = ProbeTestServer.tcp { _ in Self.ok }
        defer { server.stop() }
        let first = F.table([F.pool("p", [Self.local(server)])])
        let source = RoutingTableSource(first)
        let prober = EndpointProber(source: source)
        prober.start()
        defer { prober.stop() }
        usleep(60_000)
        #expect(server.requests.isEmpty, "a pool without health_check or metrics is not probed")

        source.publish(F.table([F.pool("p", [Self.local(server)], health: F.health(path: "/ready"))], version: 2, previous: first))
        #expect(F.waitUntil { server.requests.contains { $0.hasPrefix("GET /ready HTTP/1.1\r\n") } })
    }

    @Test func anEndpointNoLongerCheckedCountsAsHealthy() {
        let server = ProbeTestServer.tcp { _ in Self.unavailable }
        defer { server.stop() }
        let first = F.table([F.pool("p", [Self.local(server)], health: F.health(unhealthyAfter: 1))])
        let shared = first.endpoints[0].shared
        let source = RoutingTableSource(first)
        let log = LogLines()
        let prober = EndpointProber(source: source, log: log.sink)
        prober.start()
        defer { prober.stop() }
        #expect(F.waitUntil { !shared.isHealthy })

        let second = F.table([F.pool("p", [Self.local(server)])], version: 2, previous: first)
        #expect(second.endpoints[0].shared === shared)
        source.publish(second)
        #expect(F.waitUntil { shared.isHealthy })
        #expect(log.all.last == "endpoint http://127.0.0.1:\(server.port) no longer health-checked; counted healthy")
    }

    @Test func aHangingEndpointDelaysOthersByItsTimeoutOnly() {
        let hanging = ProbeTestServer.tcp { _ in .hang }
        let sick = ProbeTestServer.tcp { _ in Self.unavailable }
        defer {
            hanging.stop()
            sick.stop()
        }
        let table = F.table([
            F.pool("slow", [Self.local(hanging)], health: F.health(timeoutMs: 100, unhealthyAfter: 5)),
            F.pool("sick", [Self.local(sick)], health: F.health(unhealthyAfter: 3)),
        ])
        let prober = EndpointProber(source: RoutingTableSource(table), log: { _ in })
        prober.start()
        defer { prober.stop() }
        // Each round costs at most 100 ms for the hanging one: three sick
        // checks need well under a second.
        #expect(F.waitUntil(timeoutMs: 1500) { !table.endpoints[1].shared.isHealthy })
    }

    @Test func stopInterruptsAProbeInFlight() throws {
        let server = ProbeTestServer.tcp { _ in .hang }
        defer { server.stop() }
        let table = F.table([F.pool("p", [Self.local(server)], health: F.health(timeoutMs: 5000))])
        let prober = EndpointProber(source: RoutingTableSource(table), log: { _ in })
        prober.start()
        #expect(F.waitUntil { !server.requests.isEmpty })
        let start = monotonicNanoseconds()
        prober.stop()
        let elapsedMs = (monotonicNanoseconds() - start) / 1_000_000
        #expect(elapsedMs < 250, "stop took \(elapsedMs) ms")
        #expect(table.endpoints[0].shared.isHealthy, "an abandoned check is not a failure")
    }

    @Test func stopWithoutStartAndTwiceIsHarmless() {
        let prober = EndpointProber(source: RoutingTableSource(F.table([])))
        prober.stop()
        prober.stop()
        let other = EndpointProber(source: RoutingTableSource(F.table([])))
        other.start()
        other.stop()
        other.stop()
    }
}

