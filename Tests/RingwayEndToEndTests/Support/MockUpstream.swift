import Foundation

/// Tests/Fixtures/mock_upstream.py running on an ephemeral loopback port.
final class MockUpstream: @unchecked Sendable {
    let process: ManagedProcess
    var port: UInt16 { process.port }
    var url: String { "http://127.0.0.1:\(port)" }

    /// `uds`: also serve on this Unix socket path.
    init(uds: String? = nil) throws {
        var arguments = ["python3", TestPaths.mockUpstreamScript, "--port", "0", "--host", "127.0.0.1"]
        if let uds { arguments += ["--uds", uds] }
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
