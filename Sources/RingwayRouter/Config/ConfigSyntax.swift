import Foundation

/// Syntax checks for the strings a config holds (addresses, URLs, header
/// names). Each returns the parsed value or the reason it was refused,
/// phrased to follow `path: `.
enum ConfigSyntax {
    static let endpointForms = "expected http://host:port, https://host[:port] or unix:/path"

    // MARK: - Listen addresses

    /// `host:port` where a listener can bind: a numeric IPv4 address,
    /// `[IPv6]` or `localhost`, and a port in 0...65535 (0: the kernel picks
    /// one and the log line names it — tests and ad-hoc runs use that).
    static func listenAddress(_ text: String) -> Result<(host: String, port: Int), Refusal> {
        let expected = "expected \"host:port\" with a numeric IP address (IPv6 in brackets) or localhost, got \(ConfigText.quoted(text))"
        guard let (host, portText) = splitHostPort(text) else { return .failure(Refusal(expected)) }
        guard host == "localhost" || isIPv4(host) || isBracketedIPv6(host) else { return .failure(Refusal(expected)) }
        guard let port = portText == "0" ? 0 : parsePort(portText) else {
            return .failure(Refusal("expected a port in 0...65535 in \(ConfigText.quoted(text)), got \(ConfigText.quoted(portText))"))
        }
        return .success((host, port))
    }

    // MARK: - Endpoint URLs

    /// `http://host:port` (port required: a sidecar's port is never the
    /// default), `https://host[:port]` (443 by default) or `unix:/path`.
    /// Hosts may be names (`vllm.internal`), IPv4 or `[IPv6]`; no paths.
    static func endpoint(_ url: String) -> Result<EndpointAddress, Refusal> {
        let generic = Refusal("\(endpointForms), got \(ConfigText.quoted(url))")
        if url.hasPrefix("unix:") {
            let path = String(url.dropFirst(5))
            guard path.hasPrefix("/"), !path.hasPrefix("//") else {
                return .failure(Refusal("a unix socket URL is unix:/absolute/path, got \(ConfigText.quoted(url))"))
            }
            guard path.utf8.count <= ConfigLimits.unixPathBytes else {
                return .failure(Refusal("unix socket path is \(path.utf8.count) bytes; the limit is \(ConfigLimits.unixPathBytes)"))
            }
            guard !path.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                return .failure(Refusal("unix socket path contains a control character"))
            }
            return .success(.unix(path: path))
        }
        let isTLS: Bool
        var rest: Substring
        if url.hasPrefix("http://") {
            isTLS = false
            rest = url.dropFirst(7)
        } else if url.hasPrefix("https://") {
            isTLS = true
            rest = url.dropFirst(8)
        } else {
            return .failure(generic)
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        if rest.contains(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            return .failure(Refusal("endpoint URLs take no path, query or fragment (the client's path is kept), got \(ConfigText.quoted(url))"))
        }
        if rest.contains("@") {
            return .failure(Refusal("endpoint URLs take no user info; put credentials in \"headers\", got \(ConfigText.quoted(url))"))
        }
        let host: String
        let port: Int
        if let (h, portText) = splitHostPort(String(rest)) {
            guard let p = parsePort(portText) else {
                return .failure(Refusal("expected a port in 1...65535 in \(ConfigText.quoted(url)), got \(ConfigText.quoted(portText))"))
            }
            host = h
            port = p
        } else if isTLS {
            host = String(rest)
            port = 443
        } else {
            return .failure(Refusal("\(ConfigText.quoted(url)) needs a port: http://host:port"))
        }
        let bare: String
        if isBracketedIPv6(host) {
            bare = String(host.dropFirst().dropLast())
        } else if isIPv4(host) || isHostName(host) {
            bare = host.lowercased()
        } else {
            return .failure(Refusal("invalid host \(ConfigText.quoted(host)) in \(ConfigText.quoted(url))"))
        }
        return .success(isTLS ? .https(host: bare, port: UInt16(port)) : .http(host: bare, port: UInt16(port)))
    }

    // MARK: - HTTP pieces

    /// RFC 9110 §5.1: a field name is a token.
    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(isTokenByte)
    }

    /// RFC 9110 §5.5: no CR, LF or NUL may reach the wire (header injection).
    static func isHeaderValue(_ value: String) -> Bool {
        !value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }

    /// A `Host` field value: a name or address, optionally `:port`.
    static func isHostHeader(_ value: String) -> Bool {
        guard !value.isEmpty else { return false }
        if let (host, portText) = splitHostPort(value) {
            return parsePort(portText) != nil && (isHostName(host) || isIPv4(host) || isBracketedIPv6(host))
        }
        return isHostName(value) || isIPv4(value) || isBracketedIPv6(value)
    }

    /// A TLS server name: a host name (sent as SNI and matched against the
    /// certificate's DNS names) or a bare IPv4/IPv6 address (matched against
    /// its IP addresses; RFC 6066 §3 sends no SNI for those).
    static func isTLSServerName(_ value: String) -> Bool {
        var address = in6_addr()
        return isHostName(value) || isIPv4(value) || inet_pton(AF_INET6, value, &address) == 1
    }

    /// An origin-form request path: starts with `/`, visible ASCII only.
    static func isRequestPath(_ path: String) -> Bool {
        path.hasPrefix("/") && path.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    // MARK: - Pieces

    struct Refusal: Error, Equatable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// Splits at the last ':' (after a bracketed IPv6 literal when there is one).
    private static func splitHostPort(_ text: String) -> (String, String)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let after = text[text.index(after: close)...]
            guard after.hasPrefix(":") else { return nil }
            return (String(text[...close]), String(after.dropFirst()))
        }
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let host = String(text[..<colon])
        guard !host.isEmpty, !host.contains(":") else { return nil }
        return (host, String(text[text.index(after: colon)...]))
    }

    private static func parsePort(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 5, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let port = Int(text), ConfigLimits.port.contains(port) else { return nil }
        return port
    }

    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
                && (part == "0" || !part.hasPrefix("0")) && Int(part)! <= 255
        }
    }

    private static func isBracketedIPv6(_ text: String) -> Bool {
        guard text.hasPrefix("["), text.hasSuffix("]"), text.count > 2 else { return false }
        var address = in6_addr()
        return inet_pton(AF_INET6, String(text.dropFirst().dropLast()), &address) == 1
    }

    /// RFC 1123 host name: dot-separated labels of letters, digits and
    /// hyphens, none starting or ending with a hyphen; not all-numeric (that
    /// would be a mistyped IPv4 address).
    private static func isHostName(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        let wellFormed = labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
        let numeric = labels.allSatisfy { $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        return wellFormed && !numeric
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        if isAlphanumeric(byte) { return true }
        return "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
}

extension EndpointAddress {
    /// An endpoint URL as a config file would take it (for the command
    /// line's `--upstream`); nil when the config would refuse it.
    public static func parse(url: String) -> EndpointAddress? {
        try? ConfigSyntax.endpoint(url).get()
    }
}
