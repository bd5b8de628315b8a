import Glibc
import RingwayIO
import Testing

/// Prints what the record layer costs; asserts only that the work happened.
/// Run alone for clean figures: `swift test --filter TLSCostTests`.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct TLSCostTests {
    let files: TLSTestFiles

    init() throws { files = try TLSTestFiles.get() }

    static func nanos(_ clock: clockid_t = CLOCK_MONOTONIC) -> UInt64 {
        var t = timespec()
        clock_gettime(clock, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }

    /// Connect-to-done wall time over loopback (s_server's work included)
    /// and the client's CPU inside `handshake()` alone.
    func handshake(_ session: TLSClientSession, port: UInt16) throws -> (wall: UInt64, cpu: UInt64) {
        let start = Self.nanos()
        let socket = try CipherSocket(port: port)
        var cpu: UInt64 = 0
        while true {
            let before = Self.nanos(CLOCK_THREAD_CPUTIME_ID)
            let done = try session.handshake()
            cpu += Self.nanos(CLOCK_THREAD_CPUTIME_ID) - before
            try socket.flush(session)
            if done { break }
            guard try socket.receive(into: session) > 0 else { throw TLSTestFailure("eof in handshake") }
        }
        let wall = Self.nanos() - start
        // Let the tickets arrive, then close politely so s_server keeps the session.
        try socket.write(session, "GET / HTTP/1.0\r\n\r\n")
        _ = try socket.readPlaintext(session)
        try socket.finish(session)
        return (wall, cpu)
    }

    @Test func handshakeTime() throws {
        let server = try OpenSSLServer(mode: "-www")
        defer { server.stop() }
        let rounds = 20
        var full: [(UInt64, UInt64)] = []
        for _ in 0..<rounds {
            let fresh = try TLSClientContext(caFile: files.certificate)  // no cached session
            full.append(try handshake(TLSClientSession(context: fresh, host: "localhost"), port: server.port))
        }
        let shared = try TLSClientContext(caFile: files.certificate)
        _ = try handshake(TLSClientSession(context: shared, host: "localhost"), port: server.port)
        var resumed: [(UInt64, UInt64)] = []
        for _ in 0..<rounds {
            let session = try TLSClientSession(context: shared, host: "localhost")
            resumed.append(try handshake(session, port: server.port))
            #expect(session.isResumed)
        }
        func median(_ values: [UInt64]) -> Double { Double(values.sorted()[values.count / 2]) / 1000 }
        print("""
            TLS handshake (TLS 1.3, RSA-2048 server, loopback, median of \(rounds)): \
            full \(median(full.map(\.0))) µs wall / \(median(full.map(\.1))) µs client CPU; \
            resumed \(median(resumed.map(\.0))) µs wall / \(median(resumed.map(\.1))) µs client CPU
            """)
    }

    @Test func encryptAndDecryptCostPerMiB() throws {
        let mib = 1 << 20
        // Encrypt: 16 KiB plaintext writes (a relay's chunk), ciphertext taken
        // into a 64 KiB send buffer and dropped: nothing is sent.
        let echo = try OpenSSLServer(mode: "-rev")
        defer { echo.stop() }
        let socket = try CipherSocket(port: echo.port)
        let session = try TLSClientSession(context: TLSClientContext(caFile: files.certificate), host: "localhost")
        try socket.handshake(session)
        var sendBuffer = [UInt8](repeating: 0, count: 64 * 1024)
        let rounds = 16
        var taken = 0
        let encryptStart = Self.nanos(CLOCK_THREAD_CPUTIME_ID)
        try files.payload.withUnsafeBytes { payload in
            for _ in 0..<rounds {
                for offset in stride(from: 0, to: mib, by: 16 * 1024) {
                    try session.write(UnsafeRawBufferPointer(rebasing: payload[offset..<(offset + 16 * 1024)]))
                    while session.pendingOutput > 0 { taken += sendBuffer.withUnsafeMutableBytes { session.take(into: $0) } }
                }
            }
        }
        let encrypt = Double(Self.nanos(CLOCK_THREAD_CPUTIME_ID) - encryptStart) / Double(rounds) / 1000
        #expect(taken > rounds * mib)

        // Decrypt: s_server -WWW sends the 1 MiB file; count only feed + read.
        let files = self.files
        let web = try OpenSSLServer(mode: "-WWW")
        defer { web.stop() }
        let context = try TLSClientContext(caFile: files.certificate)
        var decryptTotal: UInt64 = 0
        let downloads = 4
        var plain = [UInt8](repeating: 0, count: 16 * 1024)
        var receiveBuffer = [UInt8](repeating: 0, count: 64 * 1024)
        for _ in 0..<downloads {
            let socket = try CipherSocket(port: web.port)
            let session = try TLSClientSession(context: context, host: "localhost")
            try socket.handshake(session)
            try socket.write(session, "GET /payload.bin HTTP/1.0\r\n\r\n")
            var received = 0
            download: while true {
                let n = receiveBuffer.withUnsafeMutableBytes { recv(socket.fd, $0.baseAddress, $0.count, 0) }
                guard n > 0 else { break }
                let start = Self.nanos(CLOCK_THREAD_CPUTIME_ID)
                try receiveBuffer.withUnsafeBytes { try session.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                reading: while true {
                    switch try plain.withUnsafeMutableBytes({ try session.read(into: $0) }) {
                    case .bytes(let got): received += got
                    case .needMoreInput: break reading
                    case .closed:
                        decryptTotal += Self.nanos(CLOCK_THREAD_CPUTIME_ID) - start
                        break download
                    }
                }
                decryptTotal += Self.nanos(CLOCK_THREAD_CPUTIME_ID) - start
            }
            #expect(received > files.payload.count)
            try socket.finish(session)
        }
        let decrypt = Double(decryptTotal) / Double(downloads) / 1000
        print("""
            TLS record cost (\(session.protocolVersion), 16 KiB chunks, thread CPU): \
            encrypt \(encrypt) µs/MiB (write + take), decrypt \(decrypt) µs/MiB (feed + read)
            """)
    }
}
