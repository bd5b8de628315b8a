/// Builders for raw request bytes; tests that need malformed requests write the bytes by hand.
enum HTTPRequest {
    static func make(method: String, path: String, headers: [(String, String)] = [],
                     body: String? = nil, host: String = "127.0.0.1") -> String {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body, !headers.contains(where: { $0.0.lowercased() == "transfer-encoding" }) {
            text += "Content-Length: \(body.utf8.count)\r\n"
        }
        text += "\r\n"
        if let body { text += body }
        return text
    }

    static func get(_ path: String, headers: [(String, String)] = []) -> String {
        make(method: "GET", path: path, headers: headers)
    }

    /// A chat completion request; `shaping` are x-mock-* headers.
    static func chat(stream: Bool, shaping: [(String, String)] = [], model: String = "mock-model") -> String {
        let body = #"{"model":"\#(model)","messages":[{"role":"user","content":"hi"}],"stream":\#(stream)}"#
        return make(method: "POST", path: "/v1/chat/completions",
                    headers: [("Content-Type", "application/json")] + shaping, body: body)
    }
}
