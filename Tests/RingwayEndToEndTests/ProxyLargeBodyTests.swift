import Foundation
import Testing

/// Bodies far larger than any buffer: streamed through with bounded proxy memory.
extension EndToEnd {
    @Suite struct ProxyLargeBodies {
        @Test func eightMebibyteUploadArrivesIntact() throws {
            let bed = try Testbed()
            defer { bed.stop() }
            let body = BytePatternVerifier.bytes(count: 8 << 20)
            let head = "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.count)\r\n\r\n"
            let direct = try RawHTTPClient(port: bed.mock.port)
            try direct.send(head)
            try direct.send(body)
            let reference = try direct.readResponse().json()

            let client = try bed.proxy.connect()
            try client.send(head)
            try client.send(body)
            let response = try client.readResponse()
            #expect(response.status == 200, "\(response.text)")
            let echo = try response.json()
            #expect(echo["body_len"] as? Int == body.count)
            #expect(echo["body_sha256"] as? String == reference["body_sha256"] as? String)
        }

        @Test func twoHundredMegabyteDownloadWithBoundedMemory() throws {
            let bed = try Testbed()
            defer { bed.stop() }
            let client = try bed.proxy.connect()
            let verifier = BytePatternVerifier()
            var peakRSS = 0
            var nextSample = 0
            try client.send(HTTPRequest.get("/bytes?n=200000000"))
            let response = try client.readResponse { piece in
                verifier.consume(piece)
                if verifier.count >= nextSample {
                    peakRSS = max(peakRSS, bed.proxy.residentBytes ?? 0)
                    nextSample += 8 << 20
                }
            }
            #expect(response.status == 200)
            #expect(verifier.count == 200_000_000)
            #expect(verifier.firstMismatch == nil, "pattern broken at byte \(verifier.firstMismatch ?? -1)")
            #expect(peakRSS > 0, "could not read /proc/\(bed.proxy.pid)/status")
            #expect(peakRSS < 256 << 20, "proxy RSS peaked at \(peakRSS >> 20) MiB")
        }

        @Test func slowReaderIsBackpressuredNotBuffered() throws {
            let bed = try Testbed()
            defer { bed.stop() }
            let client = try bed.proxy.connect()
            let verifier = BytePatternVerifier()
            var paused = false
            var peakRSS = 0
            try client.send(HTTPRequest.get("/bytes?n=100000000"))
            let response = try client.readResponse { piece in
                verifier.consume(piece)
                if !paused && verifier.count >= 1 << 20 {
                    paused = true  // stop reading for 2 s; the proxy must stop reading upstream
                    for _ in 0..<20 {
                        sleepMillis(100)
                        peakRSS = max(peakRSS, bed.proxy.residentBytes ?? 0)
                    }
                }
            }
            #expect(response.status == 200)
            #expect(verifier.count == 100_000_000)
            #expect(verifier.firstMismatch == nil)
            #expect(peakRSS > 0)
            #expect(peakRSS < 128 << 20, "proxy RSS reached \(peakRSS >> 20) MiB while the client paused")
        }
    }
}
