import Foundation

struct HeaderField: Sendable, Equatable {
    let name: String
    let value: String
}

/// A parsed status line and header block.
struct ResponseHead: Sendable {
    let version: String
    let status: Int
    let reason: String
    let fields: [HeaderField]

    /// The first value of a header (case-insensitive name).
    func value(_ name: String) -> String? { values(name).first }

    func values(_ name: String) -> [String] {
        fields.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    var isChunked: Bool {
        value("transfer-encoding")?.lowercased().split(separator: ",").last?
            .trimmingCharacters(in: .whitespaces) == "chunked"
    }

    var contentLength: Int? { value("content-length").flatMap { Int($0) } }

    var closesConnection: Bool {
        let tokens = values("connection").flatMap { $0.lowercased().split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        return tokens.contains("close") || (version == "HTTP/1.0" && !tokens.contains("keep-alive"))
    }
}

/// One chunk of a chunked body and the monotonic time its last byte was received.
struct ReceivedChunk: Sendable {
    let bytes: [UInt8]
    let arrivalNanos: UInt64
}

struct HTTPResponse: Sendable {
    let head: ResponseHead
    let body: [UInt8]
    /// For chunked bodies: each chunk as received; empty otherwise.
    let chunks: [ReceivedChunk]

    var status: Int { head.status }
    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> [String: Any] {
        try jsonObject(body)
    }
}

/// Decodes a JSON object, with the raw text in the error if it is not one.
func jsonObject(_ bytes: [UInt8]) throws -> [String: Any] {
    let value = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    guard let object = value as? [String: Any] else {
        throw E2EError("expected a JSON object, got: \(String(decoding: bytes.prefix(500), as: UTF8.self))")
    }
    return object
}

func jsonArray(_ bytes: [UInt8]) throws -> [Any] {
    guard let array = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [Any] else {
        throw E2EError("expected a JSON array, got: \(String(decoding: bytes.prefix(500), as: UTF8.self))")
    }
    return array
}
