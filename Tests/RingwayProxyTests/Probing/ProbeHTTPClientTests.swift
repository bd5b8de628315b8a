import Foundation
import Glibc
import RingwayIO
import Testing
@testable import RingwayProxy
@testable import RingwayRouter

/// The probe client against a real socket: framing, statuses, timeouts and
/// the errors an operator will read in the log.
@Suite struct ProbeHTTPClientTests {
    static func local(_ server: ProbeTestServer) -> EndpointAddress { .http(host: "127.0.0.1", port: server.port) }

    @Test func contentLengthBodyAndTheRequestItSends() throws {
        let server = ProbeTestServer.tcp { _ in .bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") }
        defer { server.stop() }
        let response = try ProbeHTTPClient().get("/health", from: Self.local(server), timeoutMs: 1000)
        #expect(response == ProbeResponse(status: 200, body: Array("hello".utf8)))
        let request = try #require(server.requests.first)
        #expect(request.hasPrefix("GET /health HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\n"))
        #expect(request.contains("\r\nUser-Agent: ringway-prober\r\n"))
        #expect(request.contains("\r\nConnection: close\r\n"))
    }

    @Test func chunkedBodySplitAcrossReadsIsJoined() throws {
        let server = ProbeTestServer.tcp { _ in
            .pieces([
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n", "\r\n5\r\nhel", "lo\r\n6;ext=1\r\n wor",
                "ld\r\n0\r\nX-Trailer: t\r\n", "\r\n",
            ], gapMs: 5)
        }
        defer { server.stop() }
        let response = try ProbeHTTPClient().get("/metrics", from: Self.local(server), timeoutMs: 1000)
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "hello world")
    }

    @Test func anErrorStatusIsAResponseNotAnError() throws {
        let server = ProbeTestServer.tcp { _ in .bytes("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy") }
        defer { server.stop() }
        let response = try ProbeHTTPClient().get("/health", from: Self.local(server), timeoutMs: 1000)
        #expect(response.status == 503)
        #expect(!response.isSuccess)
    }

    @Test func bodyDelimitedByCloseIsReadToTheEnd() throws {
        let server = ProbeTestServer.tcp { _ in .pieces(["HTTP/1.0 200 OK\r\n\r\nfirst ", "second"], gapMs: 5) }
        defer { server.stop() }
        let response = try ProbeHTTPClient().get("/", from: Self.local(server), timeoutMs: 1000)
        #expect(String(decoding: response.body, as: UTF8.self) == "first second")
    }

    @Test func interimResponsesAreSkipped() throws {
        let server = ProbeTestServer.tcp { _ in
            .bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")
        }
        defer { server.stop() }
        let response = try ProbeHTTPClient().get("/", from: Self.local(server), timeoutMs: 1000)
        #expect(response == ProbeResponse(status: 204, body: []))
    }

    @Test func aServerThatNeverAnswersTimesOutWithinTheBound() throws {
        let server = ProbeTestServer.tcp { _ in .hang }
        defer { server.stop() }
        let start = monotonicNanoseconds()
        #expect(throws: ProbeError.timedOut(phase: .head, afterMs: 100)) {
            try ProbeHTTPClient().get("/health", from: Self.local(server), timeoutMs: 100)
        }
        let elapsedMs = (monotonicNanoseconds() - start) / 1_000_000
        #expect(elapsedMs >= 95 && elapsedMs < 600, "took \(elapsedMs) ms")
    }

    @Test func aRefusedPortIsNamedInTheError() throws {
        let (fd, port) = ProbeTestServer.refusedPort()
        defer { close(fd) }
        let error = #expect(throws: ProbeError.self) {
            try ProbeHTTPClient().get("/health", from: .http(host: "127.0.0.1", port: port), timeoutMs: 1000)
        }
        #expect(error == .refused(target: "127.0.0.1:\(port)"))
        #expect(error?.description == "connect to 127.0.0.1:\(port) refused")
    }

    @Test func unixSocketEndpoint() throws {
        let server = ProbeTestServer.unix { _ in .bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") }
        defer { server.stop() }
        let path = try #require(server.unixPath)
        let response = try ProbeHTTPClient().get("/health", from: .unix(path: path), timeoutMs: 1000)
        #expect(response == ProbeResponse(status: 200, body: Array("ok".utf8)))
        #expect(server.requests.first?.contains("\r\nHost: localhost\r\n") == true)
    }

    @Test func aMissingUnixSocketIsRefused() {
        #expect(throws: ProbeError.refused(target: "unix:/tmp/ringway-no-such.sock")) {
            try ProbeHTTPClient().get("/health", from: .unix(path: "/tmp/ringway-no-such.sock"), timeoutMs: 1000)
        }
    }

    @Test func aBodyOverTheBoundIsRefusedBeforeItIsRead() {
        let server = ProbeTestServer.tcp { _ in .bytes("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nxx") }
        defer { server.stop() }
        #expect(throws: ProbeError.responseTooLarge(limit: 1024)) {
            try ProbeHTTPClient(maxResponseBytes: 1024).get("/", from: Self.local(server), timeoutMs: 1000)
        }
    }

    @Test func anEndlessUntilCloseBodyStopsAtTheBound() {
        let server = ProbeTestServer.tcp { _ in .bytes("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + String(repeating: "x", count: 4096)) }
        defer { server.stop() }
        #expect(throws: ProbeError.responseTooLarge(limit: 1024)) {
            try ProbeHTTPClient(maxResponseBytes: 1024).get("/", from: Self.local(server), timeoutMs: 1000)
        }
    }

    @Test func aShortBodyIsAnEarlyClose() {
        let server = ProbeTestServer.tcp { _ in .bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc") }
        defer { server.stop() }
        #expect(throws: ProbeError.closedEarly(phase: .body, bytesRead: 42)) {
            try ProbeHTTPClient().get("/", from: Self.local(server), timeoutMs: 1000)
        }
    }

    @Test func aBareLFHeadIsMalformed() {
        let server = ProbeTestServer.tcp { _ in .bytes("HTTP/1.1 200 OK\nContent-Length: 0\n\n") }
        defer { server.stop() }
        let error = #expect(throws: ProbeError.self) {
            try ProbeHTTPClient().get("/", from: Self.local(server), timeoutMs: 1000)
        }
        guard case .malformedResponse = error else {
            Issue.record("expected malformedResponse, got \(String(describing: error))")
            return
        }
    }

    @Test func httpsWithoutTLSSettingsIsNotProbed() {
        #expect(throws: ProbeError.unsupportedAddress("https://10.0.0.1:443 is not probed: its pool has no TLS settings")) {
            try ProbeHTTPClient().get("/", from: .https(host: "10.0.0.1", port: 443), timeoutMs: 1000)
        }
    }

    @Test func theCancelPipeAbandonsAHangingRequestAtOnce() throws {
        let server = ProbeTestServer.tcp { _ in .hang }
        defer { server.stop() }
        let wake = try #require(ProbeWakePipe())
        let client = ProbeHTTPClient(cancelFD: wake.readFD)
        let start = monotonicNanoseconds()
        Thread.detachNewThread { usleep(50_000); wake.signal() }
        #expect(throws: ProbeError.cancelled) {
            try client.get("/health", from: Self.local(server), timeoutMs: 5000)
        }
        #expect((monotonicNanoseconds() - start) / 1_000_000 < 1000)
    }

    @Test func chunkedDecodingSkipsExtensionsAndTrailers() {
        let raw = Array("3;a=b\r\nabc\r\nA\r\n0123456789\r\n0\r\nT: v\r\n\r\n".utf8)
        #expect(ChunkedBodyDecoding.decode(raw[...]) == Array("abc0123456789".utf8))
    }
}
