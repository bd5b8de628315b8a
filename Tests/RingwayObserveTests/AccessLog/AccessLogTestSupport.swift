import Foundation
@testable import RingwayObserve

/// Builders and readers shared by the access log tests.
enum AccessLogFixture {
    static let names = AccessLogNames(
        version: 7, models: ["llama-70b", "gpt-4o"], pools: ["gpu", "openai"], endpoints: ["gpu-1", "gpu-2", "api"],
        rules: ["long-context"], keys: ["team-a", "team \"b\""])

    static func record(
        requestID: String = "req-1", model: [UInt8] = Array("gpt-4o".utf8), status: UInt16 = 200, version: UInt64 = 7,
        sequence: UInt64 = 0
    ) -> AccessLogRecord {
        var r = AccessLogRecord()
        r.timestampNs = 1_764_075_063_123_456_789  // 2025-11-25T12:51:03.123456789Z
        r.configVersion = version
        Array(requestID.utf8).withUnsafeBytes { r.setRequestID($0) }
        model.withUnsafeBytes { r.setModelAsked($0) }
        r.status = status
        r.bytesIn = sequence
        return r
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// The line parsed back as a JSON object (fails the test if it is not one).
    static func object(_ line: [UInt8]) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(line), options: [])
        guard let object = parsed as? [String: Any] else { throw AccessLogTestError("not an object: \(text(line))") }
        return object
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ringway-accesslog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func lines(of url: URL) -> [String] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Polls `condition` until it holds or `seconds` pass.
    static func waitUntil(seconds: Double = 2, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(1_000)
        }
        return condition()
    }
}

struct AccessLogTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
