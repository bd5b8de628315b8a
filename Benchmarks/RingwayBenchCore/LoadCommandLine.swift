/// Parses `ringway-bench load` arguments (`--flag value` or `--flag=value`).
/// Reading `--body-file` and checking JSON are the caller's job (it owns Foundation
/// and the file system); here `loadFile`/`checkJSON` are injected for tests.
public struct LoadCommandLine: Sendable {
    public var loadFile: @Sendable (String) throws -> [UInt8]
    public var checkJSON: @Sendable ([UInt8]) -> Bool

    public init(loadFile: @escaping @Sendable (String) throws -> [UInt8], checkJSON: @escaping @Sendable ([UInt8]) -> Bool) {
        self.loadFile = loadFile
        self.checkJSON = checkJSON
    }

    public static let usage = """
        usage: ringway-bench load --target HOST:PORT --rate R --connections C --duration SECONDS
                                  [--path /v1/chat/completions] [--body-json '{...}' | --body-file F]
                                  [--header 'K: V']... [--poisson] [--seed N] [--warmup SECONDS]
                                  [--timeout SECONDS] [--backlog N] [--busy-poll] [--json FILE] [--label NAME]

          --target HOST:PORT   server to load (IPv6: [::1]:PORT)
          --rate R             requests per second, open loop (latency from each request's
                               intended send time); 0 = closed loop (saturation)
          --poisson            Poisson arrivals instead of evenly spaced (open loop only)
          --seed N             seed of the Poisson arrivals (default 1)
          --connections C      keep-alive connections
          --duration SECONDS   measured phase
          --warmup SECONDS     unmeasured phase before it (default 0)
          --path PATH          request target (default /v1/chat/completions)
          --body-json JSON     request body (default: a small non-streaming chat completion)
          --body-file FILE     request body read from FILE
          --header 'K: V'      extra request header, repeatable (Host and Content-Type replace defaults)
          --timeout SECONDS    a request without a complete response after this fails (default 10)
          --backlog N          open loop: due requests that may wait for a free connection
                               (default max(1024, rate)); more fail as 'backlog'
          --busy-poll          never sleep: sends on time to ~0.1 µs and no wake-up per response,
                               at the cost of 100% of the CPU the generator is pinned to
          --pin CPUS           run the generator on these CPUs only, e.g. 1 or 0,2-3
                               (recorded in the JSON; keeps it off the proxy's core)
          --json FILE          also write the results as JSON
          --label NAME         name of this run in the table and JSON (default load)
        """

    public func parse(_ arguments: [String]) throws(UsageError) -> LoadOptions {
        var options = LoadOptions()
        var seen = Set<String>()
        var bodyJSON: String?
        var bodyFile: String?
        var index = 0

        func value(for flag: String, inline: String?) throws(UsageError) -> String {
            if let inline { return inline }
            index += 1
            guard index < arguments.count else { throw UsageError("\(flag) needs a value") }
            return arguments[index]
        }

        while index < arguments.count {
            let argument = arguments[index]
            var flag = argument
            var inline: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                flag = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            if flag != "--header" {
                guard !seen.contains(flag) else { throw UsageError("\(flag) given twice") }
                seen.insert(flag)
            }
            switch flag {
            case "--target":
                (options.host, options.port) = try Self.target(try value(for: flag, inline: inline))
            case "--path":
                let path = try value(for: flag, inline: inline)
                guard path.hasPrefix("/"), !path.contains(where: { $0 == " " || $0.isNewline }) else {
                    throw UsageError("--path: expected an origin-form target like /v1/chat/completions, got '\(path)'")
                }
                options.path = path
            case "--body-json":
                bodyJSON = try value(for: flag, inline: inline)
            case "--body-file":
                bodyFile = try value(for: flag, inline: inline)
            case "--header":
                options.headers.append(try Self.header(try value(for: flag, inline: inline)))
            case "--rate":
                options.rate = try Self.number(flag, try value(for: flag, inline: inline), minimum: 0, inclusive: true)
            case "--poisson":
                guard inline == nil else { throw UsageError("--poisson takes no value") }
                options.poisson = true
            case "--busy-poll":
                guard inline == nil else { throw UsageError("--busy-poll takes no value") }
                options.busyPoll = true
            case "--seed":
                let text = try value(for: flag, inline: inline)
                guard let seed = UInt64(text) else { throw UsageError("--seed: expected an unsigned integer, got '\(text)'") }
                options.seed = seed
            case "--connections":
                options.connections = try Self.count(flag, try value(for: flag, inline: inline), range: 1...1_000_000)
            case "--duration":
                options.duration = try Self.number(flag, try value(for: flag, inline: inline), minimum: 0, inclusive: false)
            case "--warmup":
                options.warmup = try Self.number(flag, try value(for: flag, inline: inline), minimum: 0, inclusive: true)
            case "--timeout":
                options.timeout = try Self.number(flag, try value(for: flag, inline: inline), minimum: 0, inclusive: false)
            case "--backlog":
                options.backlog = try Self.count(flag, try value(for: flag, inline: inline), range: 1...100_000_000)
            case "--json":
                options.jsonPath = try value(for: flag, inline: inline)
            case "--pin":
                options.pinnedCPUs = try Self.cpuList(try value(for: flag, inline: inline))
            case "--label":
                let label = try value(for: flag, inline: inline)
                guard !label.isEmpty else { throw UsageError("--label: must not be empty") }
                options.label = label
            default:
                throw UsageError("unknown option '\(argument)' (see ringway-bench load --help)")
            }
            index += 1
        }

        for required in ["--target", "--rate", "--connections", "--duration"] where !seen.contains(required) {
            throw UsageError("missing \(required) (see ringway-bench load --help)")
        }
        if options.poisson && options.rate == 0 {
            throw UsageError("--poisson needs an open loop (--rate > 0)")
        }
        if seen.contains("--backlog") && options.rate == 0 {
            throw UsageError("--backlog applies to an open loop only (--rate > 0)")
        }
        switch (bodyJSON, bodyFile) {
        case (.some, .some):
            throw UsageError("--body-json and --body-file are mutually exclusive")
        case (.some(let json), nil):
            options.body = Array(json.utf8)
            guard checkJSON(options.body) else { throw UsageError("--body-json: not valid JSON") }
        case (nil, .some(let file)):
            do {
                options.body = try loadFile(file)
            } catch {
                throw UsageError("--body-file: cannot read '\(file)': \(error)")
            }
        case (nil, nil):
            break
        }
        return options
    }

    static func target(_ text: String) throws(UsageError) -> (String, UInt16) {
        var host: Substring
        var portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw UsageError("--target: expected [IPv6]:PORT, got '\(text)'") }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw UsageError("--target: expected HOST:PORT, got '\(text)'")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else { throw UsageError("--target: missing host in '\(text)'") }
        guard let port = UInt16(portText), port > 0 else {
            throw UsageError("--target: port must be 1-65535, got '\(portText)'")
        }
        return (String(host), port)
    }

    static func header(_ text: String) throws(UsageError) -> (name: String, value: String) {
        guard let colon = text.firstIndex(of: ":") else {
            throw UsageError("--header: expected 'Name: value', got '\(text)'")
        }
        let name = String(text[..<colon])
        let value = String(text[text.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" }))
        let tokenCharacters = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        guard !name.isEmpty, name.allSatisfy({ tokenCharacters.contains($0) }) else {
            throw UsageError("--header: '\(name)' is not a valid field name (RFC 9110 §5.1)")
        }
        guard !value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
            throw UsageError("--header: value of '\(name)' contains CR, LF or NUL")
        }
        guard !RequestBuilder.reservedHeaders.contains(name.lowercased()) else {
            throw UsageError("--header: \(name) is computed from the body and cannot be set")
        }
        return (name, value)
    }

    static func number(_ flag: String, _ text: String, minimum: Double, inclusive: Bool) throws(UsageError) -> Double {
        guard let value = Double(text), value.isFinite, inclusive ? value >= minimum : value > minimum else {
            let bound = inclusive ? "≥ \(Int(minimum))" : "> \(Int(minimum))"
            throw UsageError("\(flag): expected a number \(bound), got '\(text)'")
        }
        return value
    }

    static func count(_ flag: String, _ text: String, range: ClosedRange<Int>) throws(UsageError) -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw UsageError("\(flag): expected an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return value
    }

    /// `1`, `0,2`, `0-3,6`: CPU numbers below 1024, sorted and unique.
    static func cpuList(_ text: String) throws(UsageError) -> [Int] {
        var cpus = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let low = Int(bounds[0]), let high = Int(bounds.last!),
                  low >= 0, low <= high, high < 1024
            else { throw UsageError("--pin: expected a CPU list like 1 or 0,2-3, got '\(text)'") }
            for cpu in low...high { cpus.insert(cpu) }
        }
        return cpus.sorted()
    }
}
