import Foundation

/// Tests/Fixtures/mock_upstream.py running on an ephemeral loopback port.
final class MockUpstream: @unchecked Sendable {
    let process: ManagedProcess
    var port: UInt16 { process.port }
    var url: String { "http://127.0.0.1:\(port)" }

    /// `https://localhost:PORT` (the test certificate names localhost and 127.0.0.1).
    var httpsURL: String { "https://localhost:\(port)" }

    /// `uds`: also serve on this Unix socket path. `tls`: speak TLS on the
    /// TCP port with the test server certificate (control endpoints then
    /// need TLS too; tests read `x-mock-conn` instead).
    init(uds: String? = nil, tls: TestCertificates? = nil) throws {
        var arguments = ["python3", TestPaths.mockUpstreamScript, "--port", "0", "--host", "127.0.0.1"]
        if let uds { arguments += ["--uds", uds] }
        if let tls { arguments += ["--tls-cert", tls.serverCertificate, "--tls-key", tls.serverKey] }
        process = try ManagedProcess(name: "mock upstream", executable: "/usr/bin/env",
                                     arguments: arguments, readyMarker: "mock listening on")
    }

    func stop() { process.stop() }

    /// One request straight to the mock (not through the proxy) on a fresh connection.
    func directRequest(_ request: String, method: String = "GET") throws -> HTTPResponse {
        let client = try RawHTTPClient(port: port)
        defer { client.close() }
        try client.send(request)
        return try client.readResponse(method: method)
    }

    /// Every "METHOD TARGET" the mock received since start or `resetRequests()`.
    func requestsSeen() throws -> [String] {
        let response = try directRequest(HTTPRequest.get("/__requests"))
        return try jsonArray(response.body).compactMap { $0 as? String }
    }

    func resetRequests() throws {
        _ = try directRequest(HTTPRequest.make(method: "DELETE", path: "/__requests"))
    }

    /// Requests whose response the mock abandoned because its client went away.
    func abortedRequests() throws -> [String] {
        let response = try directRequest(HTTPRequest.get("/__aborted"))
        return (try response.json()["requests"] as? [String]) ?? []
    }
}
