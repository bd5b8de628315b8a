import Glibc
import RingwayIO
import Testing

/// The client session against a real `openssl s_server`, with the test
/// playing the event loop over a blocking socket.
@Suite(.timeLimit(.minutes(1)))
struct TLSClientSessionTests {
    let files: TLSTestFiles

    init() throws { files = try TLSTestFiles.get() }

    func verifyingContext() throws -> TLSClientContext { try TLSClientContext(caFile: files.certificate) }

    @Test func httpRequestOverAVerifiedHandshake() throws {
        let server = try OpenSSLServer(mode: "-www")
        defer { server.stop() }
        let socket = try CipherSocket(port: server.port)
        let session = try TLSClientSession(context: verifyingContext(), host: "localhost")
        try socket.handshake(session)
        #expect(session.negotiatedALPN == "http/1.1")
        #expect(session.protocolVersion == "TLSv1.3")
        try socket.write(session, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let (body, _) = try socket.readPlaintext(session)
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.0 200 ok\r\n"))
        #expect(text.contains("</HTML>") || text.contains("</BODY>"))
    }

    @Test func systemStoreRejectsASelfSignedCertificate() throws {
        let server = try OpenSSLServer(mode: "-www")
        defer { server.stop() }
        let socket = try CipherSocket(port: server.port)
        let session = try TLSClientSession(context: TLSClientContext(), host: "localhost")
        #expect(throws: TLSError("certificate verify failed: self-signed certificate (host localhost)")) {
            try socket.handshake(session, sendAlert: false)
        }
        // The fatal alert is queued for the loop to send before closing.
        #expect(session.pendingOutput > 0)
    }

    @Test func wrongHostNameFailsAndLeavesNoErrorBehind() throws {
        let server = try OpenSSLServer(mode: "-www")
        defer { server.stop() }
        let context = try verifyingContext()
        let bad = try CipherSocket(port: server.port)
        let wrong = try TLSClientSession(context: context, host: "example.com")
        #expect(throws: TLSError("certificate verify failed: hostname mismatch (host example.com)")) {
            try bad.handshake(wrong)
        }
        // Same thread, next connection: no stale error from the queue.
        let good = try CipherSocket(port: server.port)
        let right = try TLSClientSession(context: context, host: "localhost")
        try good.handshake(right)
        try good.write(right, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(String(decoding: try good.readPlaintext(right).bytes, as: UTF8.self).hasPrefix("HTTP/1.0 200"))
    }

    /// RFC 6066 §3: no SNI for an address literal.
    @Test func ipLiteralIsCheckedAgainstIPSubjectAltName() throws {
        let server = try OpenSSLServer(mode: "-www", extra: ["-tlsextdebug"])
        defer { server.stop() }
        let context = try verifyingContext()
        let socket = try CipherSocket(port: server.port)
        let session = try TLSClientSession(context: context, host: "127.0.0.1")
        try socket.handshake(session)
        try socket.finish(session)
        #expect(server.waitForLog("TLS client extension \"supported_groups\""))
        #expect(!server.log.contains("\"server name\""))
        let other = try CipherSocket(port: server.port)
        #expect(throws: TLSError("certificate verify failed: IP address mismatch (host 127.0.0.2)")) {
            try other.handshake(TLSClientSession(context: context, host: "127.0.0.2"))
        }
    }

    /// `-servername_fatal` aborts a handshake whose SNI differs from
    /// `-servername`, so success with "localhost" and an alert with another
    /// name prove the name is sent; `-tlsextdebug` logs the extension too.
    @Test func sniIsSent() throws {
        let server = try OpenSSLServer(mode: "-www", extra: [
            "-servername", "localhost", "-servername_fatal", "-cert2", files.certificate, "-key2", files.key,
            "-tlsextdebug",
        ])
        defer { server.stop() }
        let socket = try CipherSocket(port: server.port)
        let session = try TLSClientSession(context: verifyingContext(), host: "localhost")
        try socket.handshake(session)
        try socket.finish(session)
        let insecure = try TLSClientContext(verifyPeer: false)
        let other = try CipherSocket(port: server.port)
        #expect(throws: TLSError("handshake failed: tlsv1 unrecognized name (SSL alert number 112) (host other.test)")) {
            try other.handshake(TLSClientSession(context: insecure, host: "other.test"))
        }
        #expect(server.waitForLog(".....localhost"), "\(server.log)")
        #expect(server.log.contains("TLS client extension \"server name\""))
    }

    @Test func oneMebibyteEachWayThroughAnEchoServer() throws {
        let server = try OpenSSLServer(mode: "-rev")
        defer { server.stop() }
        let socket = try CipherSocket(port: server.port)
        let session = try TLSClientSession(context: verifyingContext(), host: "localhost")
        try socket.handshake(session)

        // 1024 lines of 1023 letters + "\n": s_server -rev answers each line
        // reversed, newline-terminated, so the echo is exactly 1 MiB too.
        var generator = SystemRandomNumberGenerator()
        var upload: [UInt8] = []
        var expected: [UInt8] = []
        for _ in 0..<1024 {
            let line = (0..<1023).map { _ in UInt8.random(in: UInt8(ascii: "a")...UInt8(ascii: "z"), using: &generator) }
            upload += line + [UInt8(ascii: "\n")]
            expected += line.reversed() + [UInt8(ascii: "\n")]
        }
        #expect(upload.count == 1 << 20)

        var echoed: [UInt8] = []
        var plain = [UInt8](repeating: 0, count: 16 * 1024)
        func drain(wait: Bool) throws {
            while true {
                switch try plain.withUnsafeMutableBytes({ try session.read(into: $0) }) {
                case .bytes(let n): echoed += plain[0..<n]
                case .closed: throw TLSTestFailure("echo server closed early")
                case .needMoreInput:
                    let got = try socket.receive(into: session, wait: wait)
                    if got == 0 { throw TLSTestFailure("end of stream after \(echoed.count) bytes") }
                    if got < 0 { return }
                    if wait { continue }
                }
                if wait && echoed.count >= expected.count { return }
            }
        }
        // Interleave: 64 KiB out, then whatever came back, so neither side's
        // socket buffer fills while the other waits.
        for offset in stride(from: 0, to: upload.count, by: 64 * 1024) {
            try upload.withUnsafeBytes { try session.write(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + 64 * 1024)])) }
            try socket.flush(session)
            try drain(wait: false)
        }
        while echoed.count < expected.count { try drain(wait: true) }
        #expect(echoed.count == expected.count)
        #expect(echoed == expected)
    }

    @Test func ciphertextFedOneByteAtATime() throws {
        let server = try OpenSSLServer(mode: "-www")
        defer { server.stop() }
        let socket = try CipherSocket(port: server.port)
        let session = try TLSClientSession(context: verifyingContext(), host: "localhost")
        try socket.handshake(session, feedSize: 1)
        try socket.write(session, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let (body, closed) = try socket.readPlaintext(session, feedSize: 1)
        #expect(String(decoding: body, as: UTF8.self).hasPrefix("HTTP/1.0 200 ok\r\n"))
        #expect(closed)
    }

    @Test func closeNotifyIsReportedAndAnswered() throws {
        let server = try OpenSSLServer(mode: "-WWW")
        defer { server.stop() }
        let socket = try CipherSocket(port: server.port)
        let session = try TLSClientSession(context: verifyingContext(), host: "localhost")
        session.shutdown()  // before the handshake: nothing to say yet
        #expect(session.pendingOutput == 0)
        try socket.handshake(session)
        try socket.write(session, "GET /payload.bin HTTP/1.0\r\n\r\n")
        let (body, closed) = try socket.readPlaintext(session)
        #expect(closed, "s_server -WWW ends the response with close_notify")
        #expect(String(decoding: body.prefix(17), as: UTF8.self) == "HTTP/1.0 200 ok\r\n")
        #expect(Array(body.suffix(files.payload.count)) == files.payload)
        // Reading again still reports the clean close.
        var buffer = [UInt8](repeating: 0, count: 64)
        #expect(try buffer.withUnsafeMutableBytes { try session.read(into: $0) } == .closed)
        session.shutdown()
        #expect(session.pendingOutput > 0)
        try socket.flush(session)
    }

    @Test func secondConnectionResumesTheSession() throws {
        let server = try OpenSSLServer(mode: "-www")
        defer { server.stop() }
        let context = try verifyingContext()
        for round in 0..<3 {
            let socket = try CipherSocket(port: server.port)
            let session = try TLSClientSession(context: context, host: "localhost")
            try socket.handshake(session)
            #expect(session.isResumed == (round > 0), "round \(round)")
            // Reading the response also processes the TLS 1.3 tickets.
            try socket.write(session, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            _ = try socket.readPlaintext(session)
            // s_server drops the session of a peer that closes without
            // answering its close_notify.
            try socket.finish(session)
        }
    }
}

/// Failures that need no server.
@Suite struct TLSClientSessionLocalTests {
    @Test func aPeerThatIsNotTLSGivesAPreciseError() throws {
        let session = try TLSClientSession(context: TLSClientContext(), host: "localhost")
        #expect(try session.handshake() == false)
        #expect(session.pendingOutput > 0)  // the ClientHello
        let reply = Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".utf8)
        try reply.withUnsafeBytes { try session.feed($0) }
        #expect(throws: TLSError("handshake failed: wrong version number (host localhost)")) {
            try session.handshake()
        }
    }

    @Test func writeBeforeTheHandshakeIsRefused() throws {
        let session = try TLSClientSession(context: TLSClientContext(), host: "localhost")
        _ = try session.handshake()
        let plain = Array("GET / HTTP/1.1\r\n\r\n".utf8)
        #expect(throws: TLSError("TLS write failed: handshake not finished (host localhost)")) {
            try plain.withUnsafeBytes { try session.write($0) }
        }
    }

    @Test func missingCAFileIsNamed() {
        do {
            _ = try TLSClientContext(caFile: "/nonexistent/ringway-ca.pem")
            Issue.record("a missing CA file was accepted")
        } catch {
            #expect(error.message.hasPrefix("cannot load CA file /nonexistent/ringway-ca.pem: "), "\(error)")
        }
    }

    @Test func emptyHostIsRejected() throws {
        #expect(throws: TLSError("TLS session: a server host name is required")) {
            try TLSClientSession(context: TLSClientContext(), host: "")
        }
    }

    @Test func sessionOutlivesItsContextReference() throws {
        var context: TLSClientContext? = try TLSClientContext()
        let session = try TLSClientSession(context: context!, host: "localhost")
        context = nil
        #expect(try session.handshake() == false)
        #expect(session.pendingOutput > 0)
    }
}
