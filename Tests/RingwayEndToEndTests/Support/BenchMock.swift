import Foundation

/// `ringway-bench upstream` (the mock on Ringway's own engine) on an
/// ephemeral loopback port: the routing tests run several side by side.
final class BenchMock: @unchecked Sendable {
    let process: ManagedProcess
    var port: UInt16 { process.port }
    var url: String { "http://127.0.0.1:\(port)" }

    init(flags: [String] = []) throws {
        process = try ManagedProcess(
            name: "ringway-bench upstream", executable: try TestPaths.benchBinary(),
            arguments: ["upstream", "--listen", "127.0.0.1:0"] + flags, readyMarker: "mock listening on")
    }

    func stop() { process.stop() }

    /// Requests the mock received since start or `resetRequests()`.
    func requestsSeen() throws -> [String] {
        let client = try RawHTTPClient(port: port)
        defer { client.close() }
        try client.send(HTTPRequest.get("/__requests"))
        return try jsonArray(try client.readResponse().body).compactMap { $0 as? String }
    }
}

/// `ringway serve --config FILE` with the file written from JSON text.
final class ConfiguredProxy: @unchecked Sendable {
    let process: ManagedProcess
    let configPath: String
    var port: UInt16 { process.port }
    var pid: Int32 { process.pid }

    init(config: String, flags: [String] = [], environment: [String: String] = [:]) throws {
        configPath = NSTemporaryDirectory() + "ringway-e2e-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).json"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        process = try ManagedProcess(
            name: "ringway", executable: try TestPaths.ringwayBinary(),
            arguments: ["serve", "--listen", "127.0.0.1:0", "--config", configPath, "--workers", "1"] + flags,
            readyMarker: "ringway listening on", environment: environment)
    }

    /// Replaces the config file (a reload picks it up).
    func rewrite(_ config: String) throws {
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(atPath: configPath)
    }

    func connect(timeoutMs: Int = 5_000) throws -> RawHTTPClient {
        try RawHTTPClient(port: port, timeoutMs: timeoutMs)
    }

    /// One request on a fresh connection.
    func send(_ request: String, method: String = "POST") throws -> HTTPResponse {
        let client = try connect()
        defer { client.close() }
        try client.send(request)
        return try client.readResponse(method: method)
    }

    var logs: String { "ringway stderr:\n\(process.stderrText)" }

    /// The admin listener's port, from its log line (config `"admin": {"listen": "127.0.0.1:0"}`).
    func adminPort() throws -> UInt16 {
        var port: UInt16?
        _ = eventually(timeoutMs: 3_000) {
            for line in process.stderrText.split(separator: "\n") where line.contains("admin listening on") {
                port = ManagedProcess.port(in: String(line))
            }
            return port != nil
        }
        guard let port else { throw E2EError("no admin listening line in \(logs)") }
        return port
    }

    /// One admin request on a fresh connection.
    func admin(_ method: String, _ path: String) throws -> HTTPResponse {
        let client = try RawHTTPClient(port: try adminPort())
        defer { client.close() }
        try client.send(HTTPRequest.make(method: method, path: path, body: method == "POST" ? "" : nil))
        return try client.readResponse(method: method)
    }
}

/// `x-ringway-route: model=a; pool=b; …` as a dictionary.
func routeFields(_ response: HTTPResponse) -> [String: String] {
    var out: [String: String] = [:]
    for part in (response.head.value("x-ringway-route") ?? "").split(separator: ";") {
        let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
        if kv.count == 2 { out[String(kv[0])] = String(kv[1]) }
    }
    return out
}

func chatRequest(model: String, content: String = "hi", headers: [(String, String)] = [], stream: Bool = false,
                 extra: String = "") -> String {
    let escaped = content.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    let body = #"{"model":"\#(model)","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"\#(escaped)"}],"stream":\#(stream)\#(extra)}"#
    return HTTPRequest.make(method: "POST", path: "/v1/chat/completions",
                            headers: [("Content-Type", "application/json")] + headers, body: body)
}
