import CRingwayEngine
import Testing
import RingwayIO
@testable import RingwayProxy

/// The https upstream's handshake phase, socket-free: the test plays a
/// kernel whose server never completes a handshake, so what is checked is
/// the state machine around it (timeouts, failures, buffers), not OpenSSL.
@Suite struct UpstreamTLSStateMachineTests {
    static let request = "POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}"

    static func harness(connectTimeoutMs: UInt64 = 3_000) -> WorkerHarness {
        WorkerHarness {
            $0.upstream = .tls(host: "127.0.0.1", port: 443, serverName: "localhost")
            $0.connectTimeoutMs = connectTimeoutMs
        }
    }

    /// Client request in, TCP connect done: returns the upstream fd and its
    /// receive's user_data, with the ClientHello sent.
    static func connected(_ h: WorkerHarness) throws -> (upFD: Int32, upstream: UserData, hello: FakeBackend.Record) {
        let client = h.accept(fd: 7)
        h.receive(client, Self.request)
        let connect = try #require(h.lastConnect())
        guard case .connect(let upFD) = connect.op else { throw TLSError("no connect") }
        h.complete(connect, res: 0)
        let upstream = try #require(h.lastRecord(.recv(fd: upFD))).ud
        let hello = try #require(h.lastSend(fd: upFD))
        return (upFD, upstream, hello.record)
    }

    @Test func theHandshakeStartsAfterTheConnectAndTheRequestWaitsForIt() throws {
        let h = Self.harness()
        let (upFD, _, hello) = try Self.connected(h)
        guard case .send(_, let bytes) = hello.op else { return }
        // A TLS handshake record (ClientHello), not the plaintext request.
        #expect(bytes.first == 0x16)
        #expect(!String(decoding: bytes, as: UTF8.self).contains("POST /v1/chat/completions"))
        #expect(String(decoding: bytes, as: UTF8.self).contains("localhost"), "SNI names the URL's host")
        let u = h.worker.upstreams[0]
        #expect(u.phase == .connecting)
        #expect(u.tls?.handshakeDone == false)
        #expect(u.connectDeadline != 0, "the handshake runs on the connect clock")
        #expect(h.worker.upstreams[0].fd == upFD)
    }

    @Test func aHandshakeThatStallsIsAConnectTimeout() throws {
        let h = Self.harness(connectTimeoutMs: 100)
        let (upFD, _, hello) = try Self.connected(h)
        h.complete(hello, res: Int32(hello.sendCount))
        h.advance(milliseconds: 150)
        let reply = try #require(h.lastSend(fd: 7))
        #expect(reply.text.hasPrefix("HTTP/1.1 504 Gateway Timeout\r\n"), "\(reply.text)")
        #expect(reply.text.contains("upstream connect timed out"))
        #expect(h.lastRecord(.close(fd: upFD)) != nil)
    }

    @Test func aServerThatDoesNotSpeakTLSIs502WithTheCause() throws {
        let h = Self.harness()
        let (upFD, upstream, hello) = try Self.connected(h)
        h.complete(hello, res: Int32(hello.sendCount))
        let bid = h.receive(upstream, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        // The ciphertext was copied into the session: its buffer is back at once.
        #expect(h.buffers.recycled.contains(bid))
        let reply = try #require(h.lastSend(fd: 7))
        #expect(reply.text.hasPrefix("HTTP/1.1 502 Bad Gateway\r\n"), "\(reply.text)")
        #expect(reply.text.contains("\"message\":\"upstream TLS handshake failed: "), "\(reply.text)")
        #expect(reply.text.contains("\"code\":\"upstream_tls_failed\""))
        let close = try #require(h.lastRecord(.close(fd: upFD)))
        h.complete(close, res: 0)
        // Every block (request head, ClientHello) has been let go.
        #expect(h.buffers.blocksInUse == 0)
        #expect(h.buffers.inUse == 0)
    }

    @Test func theServerHangingUpMidHandshakeIs502() throws {
        let h = Self.harness()
        let (upFD, upstream, hello) = try Self.connected(h)
        h.complete(hello, res: Int32(hello.sendCount))
        h.endOfStream(upstream)
        let reply = try #require(h.lastSend(fd: 7))
        #expect(reply.text.hasPrefix("HTTP/1.1 502 Bad Gateway\r\n"), "\(reply.text)")
        #expect(reply.text.contains("upstream TLS handshake failed: the server closed the connection during the handshake"))
        #expect(h.lastRecord(.close(fd: upFD)) != nil)
    }

    @Test func plaintextUpstreamsHaveNoTLSSide() throws {
        let h = WorkerHarness()
        let client = h.accept(fd: 7)
        h.receive(client, Self.request)
        let connect = try #require(h.lastConnect())
        h.complete(connect, res: 0)
        #expect(h.worker.upstreams[0].tls == nil)
        #expect(h.worker.upstreams[0].phase == .busy)
    }
}

extension FakeBackend.Record {
    var sendCount: Int {
        if case .send(_, let bytes) = op { return bytes.count }
        return 0
    }
}
