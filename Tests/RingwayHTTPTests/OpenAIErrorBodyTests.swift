import Foundation
import Testing
@testable import RingwayHTTP

@Suite("OpenAI error bodies")
struct OpenAIErrorBodyTests {
    struct Response {
        var head: String
        var body: [UInt8]
        var json: [String: String]
    }

    /// Splits a rendered response and decodes its body with Foundation's JSON
    /// parser, which is strict about escaping.
    static func decode(_ raw: [UInt8]) throws -> Response {
        let text = String(decoding: raw, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts[0]
        let body = Array(raw[(head.utf8.count + 4)...])
        let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        let error = try #require(object?["error"] as? [String: String])
        return Response(head: head, body: body, json: error)
    }

    static func contentLength(_ head: String) -> Int? {
        head.components(separatedBy: "\r\n").first { $0.hasPrefix("Content-Length: ") }
            .flatMap { Int($0.dropFirst("Content-Length: ".count)) }
    }

    @Test func responseWithEscapedMessage() throws {
        let raw = try #require(render { out in
            OpenAIErrorBody.writeResponse(
                status: 400, message: "bad \"quote\" \\ back\nline\ttab\u{01}\u{1F} é 😀", type: "invalid_request_error",
                code: "bare_lf", close: true, extraHeaderLines: UnsafeRawBufferPointer(start: nil, count: 0), into: out)
        })
        let r = try Self.decode(raw)
        #expect(r.head == "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: \(r.body.count)\r\n"
            + "Connection: close")
        #expect(Self.contentLength(r.head) == r.body.count)
        #expect(r.json["message"] == "bad \"quote\" \\ back\nline\ttab\u{01}\u{1F} é 😀")
        #expect(r.json["type"] == "invalid_request_error")
        #expect(r.json["code"] == "bare_lf")
        #expect(text(r.body).contains(#"\"quote\" \\ back\nline\ttab\u0001\u001f"#))
    }

    @Test func extraLinesAndKeepAlive() throws {
        let extra = Array("X-Request-ID: r-9\r\nRetry-After: 1\r\n".utf8)
        let raw = try #require(extra.withUnsafeBytes { e in
            render { out in
                OpenAIErrorBody.writeResponse(status: 429, message: "slow down", type: "rate_limit_error",
                                              code: "rate_limit_exceeded", close: false, extraHeaderLines: e, into: out)
            }
        })
        let r = try Self.decode(raw)
        #expect(r.head == "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: \(r.body.count)"
            + "\r\nX-Request-ID: r-9\r\nRetry-After: 1")
        #expect(text(r.body) == #"{"error":{"message":"slow down","type":"rate_limit_error","code":"rate_limit_exceeded"}}"#)
    }

    @Test func byteMessagesWithInvalidUTF8BecomeReplacementCharacters() throws {
        let message: [UInt8] = Array("up".utf8) + [0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80, 0xF0, 0x9F, 0x98] + Array("stream".utf8)
        let raw = try #require(message.withUnsafeBytes { m in
            render { out in
                OpenAIErrorBody.writeResponse(status: 502, message: m, type: "upstream_error", code: "bad_gateway",
                                              close: true, into: out)
            }
        })
        let r = try Self.decode(raw)
        #expect(Self.contentLength(r.head) == r.body.count)
        #expect(r.json["message"] == "up\u{FFFD}\u{FFFD}(\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}stream")
    }

    @Test func responseForAParseError() throws {
        let raw = try #require(render { OpenAIErrorBody.writeResponse(for: .uriTooLong, close: true, into: $0) })
        let r = try Self.decode(raw)
        #expect(r.head.hasPrefix("HTTP/1.1 414 URI Too Long\r\n"))
        #expect(r.json["code"] == "uri_too_long")
        #expect(r.json["type"] == "invalid_request_error")
        #expect(r.json["message"] == "\(HTTPParseError.uriTooLong.message)")
    }

    @Test func streamErrorEvent() throws {
        let raw = try #require(render { out in
            OpenAIErrorBody.writeStreamErrorEvent(message: "upstream closed \"mid-stream\"", type: "upstream_error",
                                                  code: "stream_interrupted", into: out)
        })
        let s = text(raw)
        #expect(s.hasPrefix("data: {"))
        #expect(s.hasSuffix("}\n\n"))
        let json = try JSONSerialization.jsonObject(with: Data(raw[6..<(raw.count - 2)])) as? [String: [String: String]]
        #expect(json?["error"]?["message"] == "upstream closed \"mid-stream\"")
        #expect(json?["error"]?["code"] == "stream_interrupted")
    }

    @Test func nilWhenItDoesNotFit() throws {
        let full = try #require(render { OpenAIErrorBody.writeResponse(for: .bareLF, close: true, into: $0) })
        for capacity in 0..<full.count {
            #expect(render(capacity: capacity) { OpenAIErrorBody.writeResponse(for: .bareLF, close: true, into: $0) } == nil)
        }
        #expect(render(capacity: full.count) { OpenAIErrorBody.writeResponse(for: .bareLF, close: true, into: $0) } == full)
        let event = try #require(render { OpenAIErrorBody.writeStreamErrorEvent(message: "m", type: "t", code: "c", into: $0) })
        #expect(render(capacity: event.count - 1) {
            OpenAIErrorBody.writeStreamErrorEvent(message: "m", type: "t", code: "c", into: $0)
        } == nil)
        #expect(render { OpenAIErrorBody.writeResponse(status: 42, message: "m", type: "t", code: "c", close: true, into: $0) } == nil)
    }

    @Test("error type by status", arguments: [
        (400, "invalid_request_error"), (401, "invalid_request_error"), (413, "invalid_request_error"),
        (431, "invalid_request_error"), (429, "rate_limit_error"), (408, "timeout_error"), (504, "timeout_error"),
        (501, "invalid_request_error"), (505, "invalid_request_error"), (502, "upstream_error"),
        (503, "service_unavailable_error"), (500, "server_error"),
    ])
    func errorTypes(_ status: Int, _ type: String) {
        #expect("\(OpenAIErrorBody.errorType(forStatus: status))" == type)
    }

    @Test("reason phrases", arguments: [
        (200, "OK"), (400, "Bad Request"), (413, "Content Too Large"), (414, "URI Too Long"), (417, "Expectation Failed"),
        (431, "Request Header Fields Too Large"), (502, "Bad Gateway"), (505, "HTTP Version Not Supported"),
        (499, "Client Error"), (599, "Server Error"),
    ])
    func reasons(_ status: Int, _ phrase: String) {
        #expect("\(OpenAIErrorBody.reasonPhrase(status))" == phrase)
    }
}
