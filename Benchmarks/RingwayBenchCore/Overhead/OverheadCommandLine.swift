/// `ringway-bench overhead` options, validated.
public struct OverheadOptions: Sendable {
    public struct CommandProxy: Sendable, Equatable {
        public var name: String
        /// Shell command with `{port}` and `{upstream_port}` placeholders.
        public var command: String
    }

    public struct AddressProxy: Sendable, Equatable {
        public var name: String
        public var host: String
        public var port: UInt16
    }

    /// nil: the `ringway` next to this executable.
    public var ringwayPath: String?
    public var proxies: [CommandProxy] = []
    public var proxyAddresses: [AddressProxy] = []
    public var rate: Double = 1000
    public var duration: Double = 5
    public var warmup: Double = 1
    public var rounds = 3
    public var connections = 64
    public var pinProxy = "0"
    public var pinLoad = "1"
    public var seed: UInt64 = 1
    public var jsonPath: String?
    public var htmlPath: String?
    /// The ramped phases: p99 bound for the rate search, step length,
    /// stream pacing and the most streams tried; off with `--skip-ramps`.
    public var rampPhases = true
    public var p99BoundMs: Double = 20
    public var searchSeconds: Double = 1
    public var streamPacingMs: Double = 20
    public var maxStreams = 1024

    public init() {}

    /// Names in measurement order.
    public var systemNames: [String] {
        [OverheadResult.baseline, "ringway"] + proxies.map(\.name) + proxyAddresses.map(\.name)
    }
}

public enum OverheadCommandLine {
    public static let usage = """
        usage: ringway-bench overhead [options]

          Measures what a proxy adds: the mock upstream direct, through Ringway and through
          each --proxy, interleaved round by round, load generated in-process. Phases per
          system: open loop at --rate; one connection, one request at a time (concurrency 1);
          streams (TTFT, per-chunk delay); closed-loop saturation; then the ramps.

          --ringway PATH               ringway binary (default: next to this executable)
          --proxy 'NAME=COMMAND'       another proxy to start (run by /bin/sh, own process group);
                                       {port}, {upstream_port} and {workdir} (a scratch directory)
                                       are substituted (repeatable)
          --proxy-addr NAME=HOST:PORT  an already-running proxy in front of the mock (repeatable)
          --rate R                     open-loop requests per second (default 1000)
          --duration S                 measured seconds per phase (default 5)
          --warmup S                   unmeasured seconds before each phase (default 1)
          --rounds N                   interleaved rounds, medians reported (default 3)
          --connections C              open-loop connections (default 64)
          --pin-proxy CPUS             taskset CPU list for the proxies (default 0)
          --pin-load CPUS              CPU list for the generator and the mock (default 1)
          --seed N                     seed of the open-loop schedule (default 1)
          --p99-bound-ms MS            ramp: highest rate whose p99 stays under MS (default 20)
          --stream-pacing-ms MS        ramp: token pacing of the concurrent-streams ramp (default 20);
                                       streams double from 32 until a chunk comes over one pacing late
          --max-streams N              ramp: stop doubling past N streams (default 1024)
          --search-seconds S           ramp: measured seconds per step (default 1)
          --skip-ramps                 only the fixed-rate phases
          --json FILE                  all figures and machine facts as JSON
          --html FILE                  one self-contained HTML page with charts
        """

    public static func parse(_ arguments: [String]) throws(UsageError) -> OverheadOptions {
        var options = OverheadOptions()
        var index = 0
        func value(_ flag: String) throws(UsageError) -> String {
            index += 1
            guard index < arguments.count else { throw UsageError("\(flag) needs a value") }
            return arguments[index]
        }
        func positive(_ flag: String, _ text: String) throws(UsageError) -> Double {
            guard let number = Double(text), number > 0, number.isFinite else {
                throw UsageError("\(flag): '\(text)' is not a positive number")
            }
            return number
        }
        func count(_ flag: String, _ text: String) throws(UsageError) -> Int {
            guard let number = Int(text), number > 0 else { throw UsageError("\(flag): '\(text)' is not a positive integer") }
            return number
        }
        func cpus(_ flag: String, _ text: String) throws(UsageError) -> String {
            let allowed = Set("0123456789,-")
            guard !text.isEmpty, text.allSatisfy({ allowed.contains($0) }) else {
                throw UsageError("\(flag): '\(text)' is not a CPU list (e.g. 0 or 0-1 or 0,2)")
            }
            return text
        }
        func named(_ flag: String, _ text: String) throws(UsageError) -> (String, String) {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw UsageError("\(flag): expected NAME=..., got '\(text)'")
            }
            let name = String(text[..<equals])
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw UsageError("\(flag): name '\(name)' may hold letters, digits, '-', '_' and '.' only")
            }
            return (name, String(text[text.index(after: equals)...]))
        }
        while index < arguments.count {
            let flag = arguments[index]
            switch flag {
            case "--ringway": options.ringwayPath = try value(flag)
            case "--proxy":
                let (name, command) = try named(flag, try value(flag))
                guard command.contains("{port}") else { throw UsageError("--proxy \(name): the command needs {port}") }
                options.proxies.append(.init(name: name, command: command))
            case "--proxy-addr":
                let (name, address) = try named(flag, try value(flag))
                guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]),
                    port > 0
                else { throw UsageError("--proxy-addr \(name): expected HOST:PORT, got '\(address)'") }
                options.proxyAddresses.append(.init(name: name, host: String(address[..<colon]), port: port))
            case "--rate": options.rate = try positive(flag, try value(flag))
            case "--duration": options.duration = try positive(flag, try value(flag))
            case "--warmup":
                let text = try value(flag)
                guard let number = Double(text), number >= 0, number.isFinite else {
                    throw UsageError("--warmup: '\(text)' is not a number of seconds")
                }
                options.warmup = number
            case "--rounds": options.rounds = try count(flag, try value(flag))
            case "--connections": options.connections = try count(flag, try value(flag))
            case "--pin-proxy": options.pinProxy = try cpus(flag, try value(flag))
            case "--pin-load": options.pinLoad = try cpus(flag, try value(flag))
            case "--seed":
                let text = try value(flag)
                guard let seed = UInt64(text) else { throw UsageError("--seed: '\(text)' is not an unsigned integer") }
                options.seed = seed
            case "--p99-bound-ms": options.p99BoundMs = try positive(flag, try value(flag))
            case "--search-seconds": options.searchSeconds = try positive(flag, try value(flag))
            case "--stream-pacing-ms": options.streamPacingMs = try positive(flag, try value(flag))
            case "--max-streams": options.maxStreams = try count(flag, try value(flag))
            case "--skip-ramps": options.rampPhases = false
            case "--json": options.jsonPath = try value(flag)
            case "--html": options.htmlPath = try value(flag)
            default: throw UsageError("overhead: unknown option '\(flag)'")
            }
            index += 1
        }
        let names = options.systemNames
        if Set(names).count != names.count { throw UsageError("overhead: system names must be unique (and not direct/ringway)") }
        return options
    }
}
