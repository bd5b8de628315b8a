import Glibc
import RingwayRouter

/// Turns endpoint host names into addresses once per load: the engine
/// connects to numeric addresses only, and a name that does not resolve is
/// a config error the operator hears about at load, not a 502 per request.
enum EndpointResolver {
    static func resolve(_ config: RouterConfig) -> Result<RouterConfig, ConfigLoadFailure> {
        var out = config
        var problems: [String] = []
        for p in out.pools.indices {
            for e in out.pools[p].endpoints.indices {
                let endpoint = out.pools[p].endpoints[e]
                switch endpoint.address {
                case .http(let host, let port):
                    if let ip = numericAddress(host) {
                        out.pools[p].endpoints[e].address = .http(host: ip, port: port)
                    } else {
                        problems.append("pools.\(out.pools[p].name).endpoints[\(e)]: cannot resolve host \"\(host)\"")
                    }
                case .https(let host, let port):
                    // The name itself stays in `tlsServerName` for SNI and
                    // the certificate check.
                    if let ip = numericAddress(host) {
                        out.pools[p].endpoints[e].address = .https(host: ip, port: port)
                    } else {
                        problems.append("pools.\(out.pools[p].name).endpoints[\(e)]: cannot resolve host \"\(host)\"")
                    }
                case .unix: break
                }
            }
        }
        return problems.isEmpty ? .success(out) : .failure(ConfigLoadFailure(lines: problems))
    }

    /// The host itself when numeric, else its first IPv4 (then IPv6) address.
    static func numericAddress(_ host: String) -> String? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        var best: UnsafeMutablePointer<addrinfo>? = nil
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let ai = cursor {
            if ai.pointee.ai_family == AF_INET { best = ai; break }
            if best == nil && ai.pointee.ai_family == AF_INET6 { best = ai }
            cursor = ai.pointee.ai_next
        }
        guard let ai = best else { return nil }
        var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(ai.pointee.ai_addr, ai.pointee.ai_addrlen, &text, socklen_t(text.count), nil, 0,
                          NI_NUMERICHOST) == 0
        else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
