import Foundation

/// The real `ringway serve` binary on an ephemeral loopback port with one worker.
final class RingwayProxy: @unchecked Sendable {
    let process: ManagedProcess
    var port: UInt16 { process.port }
    var pid: Int32 { process.pid }

    /// `upstream`: `http://127.0.0.1:PORT` or `unix:/path`; `flags`: extra `serve` flags.
    init(upstream: String, flags: [String] = []) throws {
        let binary = try TestPaths.ringwayBinary()
        process = try ManagedProcess(
            name: "ringway", executable: binary,
            arguments: ["serve", "--listen", "127.0.0.1:0", "--upstream", upstream, "--workers", "1"] + flags,
            readyMarker: "ringway listening on")
        guard port != 0 else {
            throw E2EError("no 127.0.0.1:PORT token in ringway's readiness line: \(process.readinessLine)")
        }
    }

    func stop() { process.stop() }

    func connect(timeoutMs: Int = 5_000) throws -> RawHTTPClient {
        try RawHTTPClient(port: port, timeoutMs: timeoutMs)
    }

    var residentBytes: Int? { RingwayEndToEndTests.residentBytes(pid: pid) }

    /// Context for failure messages.
    var logs: String { "ringway stderr:\n\(process.stderrText)\nringway stdout:\n\(process.stdoutText)" }
}

/// A mock upstream plus a proxy in front of it, stopped together.
final class Testbed: @unchecked Sendable {
    let mock: MockUpstream
    let proxy: RingwayProxy

    init(flags: [String] = []) throws {
        mock = try MockUpstream()
        do {
            proxy = try RingwayProxy(upstream: mock.url, flags: flags)
        } catch {
            mock.stop()
            throw error
        }
    }

    func stop() {
        proxy.stop()
        mock.stop()
    }

    deinit { stop() }
}
