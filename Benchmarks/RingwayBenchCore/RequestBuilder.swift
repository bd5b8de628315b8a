/// Builds the one request a load run repeats: `POST path HTTP/1.1` with a JSON body.
public enum RequestBuilder {
    /// A small non-streaming chat completion, cheap for any upstream to answer.
    public static let defaultBody = #"{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":16}"#

    /// Header fields the builder computes itself; callers may not override them.
    public static let reservedHeaders: Set<String> = ["content-length", "transfer-encoding"]

    /// `Host` defaults to the target; `Content-Type` to JSON; extra `headers` follow
    /// in order and replace a default of the same name.
    public static func build(
        method: String = "POST", path: String, hostHeader: String, headers: [(name: String, value: String)],
        body: [UInt8]
    ) -> [UInt8] {
        let overridden = Set(headers.map { $0.name.lowercased() })
        var head = "\(method) \(path) HTTP/1.1\r\n"
        if !overridden.contains("host") { head += "Host: \(hostHeader)\r\n" }
        if !overridden.contains("content-type") { head += "Content-Type: application/json\r\n" }
        head += "Content-Length: \(body.count)\r\n"
        for header in headers { head += "\(header.name): \(header.value)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    /// `host:port` as a Host field value; IPv6 literals get their brackets back.
    public static func hostHeader(host: String, port: UInt16) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
