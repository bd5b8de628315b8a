import RingwayProxy
import RingwayRouter

struct UsageError: Error {
    var message: String
    var wantsHelp = false
}

/// What `ringway serve` was asked to do.
struct ServePlan {
    var settings: ProxySettings
    /// `--config`: the router's JSON file; nil = sidecar mode (`--upstream`).
    var configPath: String?
    /// `--listen` was given (it overrides the config file's "listen").
    var listenGiven = false
    /// `--access-log` / `--access-log-sample` (sidecar mode; the config
    /// file's "access_log" wins in router mode).
    var accessLogPath: String?
    var accessLogSampleRate = 1.0
    /// `--admin HOST:PORT`: the admin listener in sidecar mode (router mode
    /// takes the config file's "admin").
    var adminListen: String?
}

/// Parses `ringway serve` flags into settings. Every mistake names the flag.
enum ServeOptions {
    static func parse(_ args: [String]) throws(UsageError) -> ServePlan {
        var s = ProxySettings()
        s.workers = System.coreCount
        var sawUpstream = false
        var configPath: String?
        var listenGiven = false
        var accessLogPath: String?
        var accessLogSampleRate = 1.0
        var adminListen: String?
        var i = 0
        func value(_ flag: String) throws(UsageError) -> String {
            i += 1
            guard i < args.count else { throw UsageError(message: "\(flag) needs a value") }
            return args[i]
        }
        func number(_ flag: String, _ range: ClosedRange<Int>) throws(UsageError) -> Int {
            let text = try value(flag)
            guard let n = Int(text), range.contains(n) else {
                throw UsageError(message: "\(flag) must be a whole number in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
            }
            return n
        }
        func millis(_ flag: String) throws(UsageError) -> UInt64 { UInt64(try number(flag, 0...86_400_000)) }

        while i < args.count {
            let flag = args[i]
            switch flag {
            case "-h", "--help": throw UsageError(message: "", wantsHelp: true)
            case "--listen":
                (s.listenHost, s.listenPort) = try parseHostPort(try value(flag), flag: flag)
                listenGiven = true
            case "--config": configPath = try value(flag)
            case "--access-log": accessLogPath = try value(flag)
            case "--admin":
                let text = try value(flag)
                _ = try parseHostPort(text, flag: flag)
                adminListen = text
            case "--access-log-sample":
                let text = try value(flag)
                guard let rate = Double(text), rate >= 0, rate <= 1 else {
                    throw UsageError(message: "--access-log-sample must be a number in 0...1, got '\(text)'")
                }
                accessLogSampleRate = rate
            case "--max-inspected-body-bytes": s.maxInspectedBodyBytes = Int64(try number(flag, 1024...1 << 30))
            case "--upstream":
                s.upstream = try parseUpstream(try value(flag))
                sawUpstream = true
            case "--upstream-ca-file":
                let path = try value(flag)
                if let problem = PEMBundleCheck.problem(path: path) {
                    throw UsageError(message: "--upstream-ca-file: \(problem)")
                }
                s.upstreamTLS.caFile = path
            case "--upstream-insecure": s.upstreamTLS.insecureSkipVerify = true
            case "--workers": s.workers = try number(flag, 1...256)
            case "--ring-entries": s.backend.ringEntries = UInt32(try number(flag, 64...32768))
            case "--buffer-size": s.backend.bufferSize = UInt32(try number(flag, 1024...1 << 20))
            case "--buffer-count":
                let n = try number(flag, 16...32768)
                guard n & (n - 1) == 0 else { throw UsageError(message: "--buffer-count must be a power of two, got \(n)") }
                s.backend.bufferCount = UInt32(n)
            case "--max-header-bytes": s.limits.maxHeaderBytes = try number(flag, 256...1 << 20)
            case "--max-headers": s.limits.maxHeaderCount = try number(flag, 1...10_000)
            case "--max-url-bytes": s.limits.maxURLBytes = try number(flag, 16...1 << 20)
            case "--max-body-bytes": s.limits.maxBodyBytes = Int64(try number(flag, 0...Int(Int64.max)))
            case "--header-timeout-ms": s.headerTimeoutMs = try millis(flag)
            case "--keepalive-timeout-ms": s.keepAliveTimeoutMs = try millis(flag)
            case "--connect-timeout-ms": s.connectTimeoutMs = try millis(flag)
            case "--first-byte-timeout-ms": s.firstByteTimeoutMs = try millis(flag)
            case "--upstream-idle-timeout-ms": s.upstreamIdleTimeoutMs = try millis(flag)
            case "--stream-idle-timeout-ms": s.streamIdleTimeoutMs = try millis(flag)
            case "--stream-total-timeout-ms": s.streamTotalTimeoutMs = try millis(flag)
            case "--sse-ping-ms": s.ssePingMs = try millis(flag)
            case "--drain-timeout-ms": s.drainTimeoutMs = try millis(flag)
            case "--busy-poll-us": s.busyPollMicroseconds = UInt64(try number(flag, 0...10_000))
            case "--answer-spin-us": s.answerSpinMicroseconds = UInt64(try number(flag, 0...10_000))
            case "--pool-max-per-worker": s.poolMaxPerWorker = try number(flag, 1...65536)
            case "--max-connections-per-worker": s.maxClientConnectionsPerWorker = try number(flag, 1...1 << 20)
            default: throw UsageError(message: "unknown option '\(flag)' (try 'ringway serve --help')")
            }
            i += 1
        }
        if s.upstreamTLS != PoolTLSConfig() {
            guard case .tls = s.upstream, sawUpstream else {
                throw UsageError(message: "--upstream-ca-file and --upstream-insecure apply to an https:// --upstream only")
            }
            if s.upstreamTLS.insecureSkipVerify && s.upstreamTLS.caFile != nil {
                throw UsageError(message: "--upstream-ca-file has no effect with --upstream-insecure (nothing is verified)")
            }
        }
        if sawUpstream && configPath != nil {
            throw UsageError(message: "use either --upstream (sidecar mode) or --config, not both")
        }
        guard sawUpstream || configPath != nil else {
            throw UsageError(message: "serve needs --upstream (e.g. --upstream http://127.0.0.1:8000) or --config FILE")
        }
        for (flag, value) in [("--header-timeout-ms", s.headerTimeoutMs), ("--connect-timeout-ms", s.connectTimeoutMs),
                              ("--first-byte-timeout-ms", s.firstByteTimeoutMs)] where value == 0 {
            throw UsageError(message: "\(flag) must be at least 1")
        }
        return ServePlan(settings: s, configPath: configPath, listenGiven: listenGiven, accessLogPath: accessLogPath,
                         accessLogSampleRate: accessLogSampleRate, adminListen: adminListen)
    }

    static func parseHostPort(_ text: String, flag: String) throws(UsageError) -> (String, UInt16) {
        var host: Substring
        var portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw UsageError(message: "\(flag) expects HOST:PORT or [IPv6]:PORT, got '\(text)'")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw UsageError(message: "\(flag) expects HOST:PORT, got '\(text)'")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        if host == "localhost" { host = "127.0.0.1" }
        guard let port = UInt16(portText) else {
            throw UsageError(message: "\(flag) has an invalid port '\(portText)' in '\(text)'")
        }
        guard System.isNumericAddress(String(host)) else {
            throw UsageError(message: "\(flag) needs a numeric IP address (or localhost), got '\(host)'")
        }
        return (String(host), port)
    }

    static func parseUpstream(_ text: String) throws(UsageError) -> UpstreamTarget {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty, path.utf8.count < 108 else {
                throw UsageError(message: "--upstream unix: needs a socket path shorter than 108 bytes, got '\(text)'")
            }
            return .unix(path: path)
        }
        if text.hasPrefix("https://") { return try parseHTTPSUpstream(text) }
        guard text.hasPrefix("http://") else {
            throw UsageError(message: "--upstream must be http://HOST:PORT, https://HOST[:PORT] or unix:/path, got '\(text)'")
        }
        var rest = Substring(text.dropFirst(7))
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains("/") else {
            throw UsageError(message: "--upstream takes no path in sidecar mode, got '\(text)'")
        }
        if !rest.contains(":") { rest += ":80" }
        let (host, port) = try parseHostPort(String(rest), flag: "--upstream")
        return .tcp(host: host, port: port)
    }

    /// `https://name[:port]`: the name is kept for SNI and the certificate
    /// check and resolved to a numeric address now (the engine connects to
    /// numbers only), as router mode does at load.
    static func parseHTTPSUpstream(_ text: String) throws(UsageError) -> UpstreamTarget {
        var url = text
        if url.hasSuffix("/") { url.removeLast() }
        guard case .https(let name, let port) = EndpointAddress.parse(url: url) else {
            throw UsageError(message: "--upstream expects https://HOST[:PORT] with no path, got '\(text)'")
        }
        guard let ip = EndpointResolver.numericAddress(name) else {
            throw UsageError(message: "--upstream: cannot resolve host '\(name)'")
        }
        return .tls(host: ip, port: port, serverName: name)
    }
}
