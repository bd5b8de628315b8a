import Foundation
import Glibc
import Testing

/// SSE relaying: pacing, keep-alive pings, idle cuts, client aborts, graceful drain.
extension EndToEnd {
    @Suite struct ProxyStreaming {
        @Test func eventsAreRelayedAsTheyArrive() throws {
            let bed = try Testbed()
            defer { bed.stop() }
            let client = try bed.proxy.connect()
            try client.send(HTTPRequest.chat(stream: true, shaping: [("x-mock-tokens", "5"), ("x-mock-itl-us", "100000")]))
            let head = try client.readHead()
            #expect(head.status == 200)
            #expect(head.value("content-type")?.hasPrefix("text/event-stream") == true)
            #expect(head.isChunked)
            try expectFiveTokensPaced(client)
        }

        @Test func clientDisconnectClosesTheUpstreamStream() throws {
            let bed = try Testbed()
            defer { bed.stop() }
            let client = try bed.proxy.connect()
            try client.send(HTTPRequest.chat(stream: true, shaping: [("x-mock-tokens", "100"), ("x-mock-itl-us", "50000")]))
            #expect(try client.readHead().status == 200)
            let (events, _, _) = readSSE(client) { $0.filter { $0.data != nil }.count >= 2 }
            #expect(events.count >= 2)
            client.close()
            let aborted = try eventually(timeoutMs: 1_000) { try !bed.mock.abortedRequests().isEmpty }
            #expect(aborted, "the mock's upstream connection was not closed within 1 s of the client leaving")
        }

        @Test func sigtermDrainsTheRunningStreamAndExitsZero() throws {
            let bed = try Testbed(flags: ["--drain-timeout-ms", "5000"])
            defer { bed.stop() }
            let client = try bed.proxy.connect()
            try client.send(HTTPRequest.chat(stream: true, shaping: [("x-mock-tokens", "10"), ("x-mock-itl-us", "100000")]))
            #expect(try client.readHead().status == 200)
            _ = readSSE(client) { $0.contains { $0.data != nil } }
            bed.proxy.process.signal(SIGTERM)
            let signalled = monotonicNanos()
            sleepMillis(100)

            let newConnection = Self.tryNewRequest(port: bed.proxy.port)
            #expect(newConnection.rejected, "a connection made after SIGTERM was served: \(newConnection.detail)")

            let (events, error, raw) = readSSE(client)
            #expect(error == nil, "stream cut during drain: \(String(describing: error)); got \(raw)")
            #expect(events.last?.data == "[DONE]")
            let exited = bed.proxy.process.waitForExit(timeoutMs: 5_000 + 1_000 - Int(millisSince(signalled)))
            #expect(exited, "ringway still running after the drain timeout")
            #expect(bed.proxy.process.exitDescription == "exit status 0")
        }

        @Test func pingsKeepASlowStreamAlive() throws {
            let bed = try Testbed(flags: ["--sse-ping-ms", "100"])
            defer { bed.stop() }
            let client = try bed.proxy.connect()
            try client.send(HTTPRequest.chat(stream: true, shaping: [("x-mock-tokens", "2"), ("x-mock-ttft-us", "500000")]))
            #expect(try client.readHead().status == 200)
            let (events, error, raw) = readSSE(client)
            #expect(error == nil)
            let beforeFirstData = raw.components(separatedBy: "data:").first ?? ""
            let pings = beforeFirstData.split(separator: "\n").filter { $0.hasPrefix(": ping") }
            #expect(!pings.isEmpty, "no `: ping` line before the first data event: \(beforeFirstData.debugDescription)")
            #expect(events.last?.data == "[DONE]")
        }

        @Test func idleStreamIsCutWithAnErrorEvent() throws {
            let bed = try Testbed(flags: ["--stream-idle-timeout-ms", "300"])
            defer { bed.stop() }
            let client = try bed.proxy.connect()
            let start = monotonicNanos()
            try client.send(HTTPRequest.chat(stream: true, shaping: [("x-mock-tokens", "8"), ("x-mock-itl-us", "1000000")]))
            #expect(try client.readHead().status == 200)
            let (events, error, raw) = readSSE(client)
            #expect((error as? RawHTTPError)?.isConnectionClosed == true,
                    "expected the connection to close without a terminator, got \(String(describing: error))")
            #expect(millisSince(start) < 3_000, "the idle stream was not cut promptly")
            let data = events.compactMap(\.data)
            #expect(data.first?.contains("tok0") == true, "first event should be the first token: \(raw)")
            #expect(data.last.map(Self.isErrorEvent) == true, "last event should be an error: \(raw)")
            #expect(!data.contains("[DONE]"))
        }

        static func isErrorEvent(_ data: String) -> Bool {
            ((try? jsonObject(Array(data.utf8)))?["error"] as? [String: Any]) != nil
        }

        /// Whether a request on a new connection is refused or closed rather than served.
        static func tryNewRequest(port: UInt16) -> (rejected: Bool, detail: String) {
            let client: RawHTTPClient
            do {
                client = try RawHTTPClient(port: port, timeoutMs: 2_000)
            } catch {
                return (true, "connect: \(error)")
            }
            do {
                try client.send(HTTPRequest.get("/health"))
                let response = try client.readResponse()
                let closes = client.waitForClose(timeoutMs: 1_000)
                return (response.status == 503 && closes, "status \(response.status), closed afterwards: \(closes)")
            } catch let error as RawHTTPError where error.isConnectionClosed {
                return (true, "\(error)")
            } catch RawHTTPError.sendFailed(let e) {
                return (true, "send failed, errno \(e)")
            } catch {
                return (false, "\(error)")
            }
        }
    }
}
