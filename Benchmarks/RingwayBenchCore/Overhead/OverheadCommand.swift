import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `ringway-bench overhead`: starts the mock upstream, Ringway and any other proxies
/// as pinned children, measures each through the in-process generator, round by
/// round, and reports what each proxy adds over the direct path.
public enum OverheadCommand {
    public static let streamTokens = 8
    /// Tokens of the time-to-first-token phase leave the mock this far
    /// apart, as a model streams them. Sent back to back, the mock's burst
    /// occupies the load generator's CPU until it is over, and the first
    /// token is read then, whichever proxy relayed it (docs/BENCHMARKS.md,
    /// run 12).
    public static let streamGapMicroseconds = 1_000
    public static let saturationConnections = 32
    static let streamBody = #"{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}],"max_tokens":16}"#

    struct Target {
        var name: String
        var host: String
        var port: UInt16
        /// Processes whose CPU time and RSS count as the proxy's; empty for direct.
        var pids: [Int32]
    }

    public static func run(_ arguments: [String]) -> Int32 {
        let options: OverheadOptions
        do {
            options = try OverheadCommandLine.parse(arguments)
        } catch {
            complain(error.message)
            return 2
        }
        signal(SIGPIPE, SIG_IGN)
        ChildRegistry.installSignalHandlers()
        defer { ChildRegistry.stopAll() }
        do {
            let result = try measure(options)
            let report = OverheadReport(result)
            print(report.table, terminator: "")
            if let path = options.jsonPath { try write(report.json, to: path, flag: "--json") }
            if let path = options.htmlPath { try write(report.html, to: path, flag: "--html") }
            return 0
        } catch {
            complain("overhead: \(error)")
            return 1
        }
    }

    static func measure(_ options: OverheadOptions) throws -> OverheadResult {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let ringway = options.ringwayPath
            ?? URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("ringway").path
        guard access(ringway, X_OK) == 0 else {
            throw OverheadError.message("no executable ringway at '\(ringway)' (build it, or pass --ringway PATH)")
        }
        var template = Array("/tmp/ringway-overhead-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw OverheadError.message("mkdtemp failed (errno \(errno))") }
        let workdir = String(cString: made)
        progress("logs in \(workdir)")

        // The mock upstream shares the generator's CPU(s), as in tools/bench_engine.py.
        let mock = try ChildProcess(
            [executable, "upstream", "--listen", "127.0.0.1:0"], cpus: options.pinLoad, label: "mock upstream",
            stderrPath: workdir + "/mock.err")
        let mockPort = try port(in: mock.waitForLine(containing: "mock listening on"), label: "mock upstream")
        mock.drainStdout()

        let proxy = try ChildProcess(
            [ringway, "serve", "--listen", "127.0.0.1:0", "--upstream", "http://127.0.0.1:\(mockPort)", "--workers", "1"],
            cpus: options.pinProxy, label: "ringway", stderrPath: workdir + "/ringway.err")
        let ringwayPort = try port(in: proxy.waitForLine(containing: "ringway listening on"), label: "ringway")
        proxy.drainStdout()

        var targets = [
            Target(name: OverheadResult.baseline, host: "127.0.0.1", port: mockPort, pids: []),
            Target(name: "ringway", host: "127.0.0.1", port: ringwayPort, pids: [proxy.pid]),
        ]
        for (index, spec) in options.proxies.enumerated() {
            let port = try freePort()
            let command = spec.command.replacingOccurrences(of: "{port}", with: String(port))
                .replacingOccurrences(of: "{upstream_port}", with: String(mockPort))
                .replacingOccurrences(of: "{workdir}", with: workdir)
            let child = try ChildProcess(
                ["/bin/sh", "-c", command], cpus: options.pinProxy, label: spec.name,
                stderrPath: workdir + "/proxy\(index)-\(spec.name).err")
            child.drainStdout()
            try waitUntilAccepting(port: port, child: child)
            let tree = ProcStats.processTree(child.pid)
            let listeners = ProcStats.listeningPIDs(port: port, among: tree)
            targets.append(Target(name: spec.name, host: "127.0.0.1", port: port, pids: listeners.isEmpty ? tree : listeners))
            progress("\(spec.name): port \(port), measuring pid(s) \((listeners.isEmpty ? tree : listeners).map(String.init).joined(separator: ","))")
        }
        for spec in options.proxyAddresses {
            let pids = ProcStats.listeningPIDs(port: spec.port)
            if pids.isEmpty { progress("\(spec.name): no process found listening on port \(spec.port); no CPU/RSS figures") }
            targets.append(Target(name: spec.name, host: spec.host, port: spec.port, pids: pids))
        }
        // Every thread of this process (the generator runs on the main one) on the load CPU(s).
        runQuietly(["taskset", "-a", "-p", "-c", options.pinLoad, String(getpid())])
        usleep(300_000)

        var rounds: [[String: OverheadMeasurement]] = []
        for round in 0..<options.rounds {
            var row: [String: OverheadMeasurement] = [:]
            for target in targets {
                row[target.name] = try measureOne(target, options: options, round: round)
                if let m = row[target.name] {
                    progress(
                        "round \(round + 1)/\(options.rounds) \(target.name): p50 \(format(OverheadSummary.micros(m.latency, 50))) µs"
                            + " p99 \(format(OverheadSummary.micros(m.latency, 99))) µs"
                            + " ttft50 \(format(OverheadSummary.micros(m.timeToFirstToken, 50))) µs"
                            + " \(fixed(m.throughput, 0)) req/s cpu \(format(m.cpuMicrosecondsPerRequest, 2)) µs/req errors \(m.errors)")
                }
            }
            rounds.append(row)
        }
        let versionLine = capture([ringway, "--version"]).trimmingCharacters(in: .whitespacesAndNewlines)
        return OverheadResult(
            systems: targets.map(\.name), rounds: rounds,
            facts: machineFacts(ringwayVersion: versionLine, seed: options.seed),
            settings: [
                ("rate_rps", fixed(options.rate, 0)), ("duration_s", String(options.duration)),
                ("warmup_s", String(options.warmup)), ("rounds", String(options.rounds)),
                ("connections", String(options.connections)),
                ("stream_rate_rps", fixed(min(options.rate, 200), 0)), ("stream_tokens", String(streamTokens)),
                ("stream_token_gap_us", String(streamGapMicroseconds)),
                ("saturation_connections", String(saturationConnections)), ("pin_proxy", options.pinProxy),
                ("pin_load", options.pinLoad), ("arrivals", "poisson"),
                ("ramps", options.rampPhases ? "on" : "off"), ("p99_bound_ms", fixed(options.p99BoundMs, 1)),
                ("search_step_s", fixed(options.searchSeconds, 1)), ("stream_pacing_ms", fixed(options.streamPacingMs, 1)),
                ("max_streams", String(options.maxStreams)),
            ])
    }

    /// The three phases against one system: open loop, streams, saturation.
    static func measureOne(_ target: Target, options: OverheadOptions, round: Int) throws -> OverheadMeasurement {
        var measurement = OverheadMeasurement()
        let host = RequestBuilder.hostHeader(host: target.host, port: target.port)
        let seed = options.seed &+ UInt64(round)
        func load(_ plan: LoadPlan) throws -> LoadResult {
            do {
                return try LoadGenerator(plan: plan).run()
            } catch {
                throw OverheadError.message("\(target.name): load generator: \(error)")
            }
        }
        let plain = RequestBuilder.build(
            path: "/v1/chat/completions", hostHeader: host, headers: [], body: Array(RequestBuilder.defaultBody.utf8))
        let open = try load(LoadPlan(
            host: target.host, port: target.port, request: plain, connections: options.connections,
            duration: options.duration, warmup: options.warmup,
            mode: .openLoop(ratePerSecond: options.rate, poisson: true, seed: seed)))
        measurement.latency = open.latency

        let serial = try load(LoadPlan(
            host: target.host, port: target.port, request: plain, connections: 1,
            duration: options.duration, warmup: options.warmup, mode: .closedLoop))
        measurement.serialLatency = serial.latency

        let streaming = RequestBuilder.build(
            path: "/v1/chat/completions", hostHeader: host,
            headers: [("x-mock-tokens", String(streamTokens)), ("x-mock-itl-us", String(streamGapMicroseconds))],
            body: Array(streamBody.utf8))
        let streams = try load(LoadPlan(
            host: target.host, port: target.port, request: streaming, connections: options.connections,
            duration: options.duration, warmup: options.warmup,
            mode: .openLoop(ratePerSecond: min(options.rate, 200), poisson: true, seed: seed)))
        measurement.timeToFirstToken = streams.timeToFirstByte
        measurement.chunkDelay = streams.chunkDelay

        let cpuBefore = ProcStats.cpuNanoseconds(target.pids)
        let saturated = try load(LoadPlan(
            host: target.host, port: target.port, request: plain, connections: saturationConnections,
            duration: options.duration, warmup: options.warmup, mode: .closedLoop))
        let cpuUsed = ProcStats.cpuNanoseconds(target.pids) &- cpuBefore
        measurement.throughput = saturated.achievedRate
        if !target.pids.isEmpty {
            // The warm-up's requests cost CPU too; count them at the measured rate.
            let requests = Double(saturated.completed) + saturated.achievedRate * options.warmup
            if requests > 0 && cpuUsed > 0 { measurement.cpuMicrosecondsPerRequest = Double(cpuUsed) / 1000 / requests }
            measurement.peakRSSKiB = target.pids.compactMap { ProcStats.peakRSSKiB($0) }.max()
        }
        if options.rampPhases {
            let step = options.searchSeconds
            measurement.rateUnderP99Bound = try CapacityPhases.rateUnderP99(saturated: saturated.achievedRate, options: options) {
                rate in
                progress("\(target.name): p99 search at \(Int(rate)) req/s")
                return try load(LoadPlan(
                    host: target.host, port: target.port, request: plain, connections: options.connections,
                    duration: step, warmup: 0.2, mode: .openLoop(ratePerSecond: rate, poisson: true, seed: seed)))
            }
            measurement.streamsWithoutStall = try CapacityPhases.streamsWithoutStall(options: options) {
                count, pacingUs, tokens in
                progress("\(target.name): \(count) concurrent streams")
                let paced = RequestBuilder.build(
                    path: "/v1/chat/completions", hostHeader: host,
                    headers: [("x-mock-tokens", String(tokens)), ("x-mock-itl-us", String(pacingUs))],
                    body: Array(streamBody.utf8))
                return try load(LoadPlan(
                    host: target.host, port: target.port, request: paced, connections: count,
                    duration: step + 1, warmup: 0.2, mode: .closedLoop))
            }
        }
        measurement.errors = open.errors.total + serial.errors.total + streams.errors.total + saturated.errors.total
        for (phase, result) in [("open loop", open), ("concurrency 1", serial), ("streams", streams),
                                ("saturation", saturated)]
        where result.errors.total > 0 {
            progress("\(target.name) \(phase): errors \(result.errors.summary)")
        }
        return measurement
    }

    // MARK: helpers

    /// The port at the end of the `HOST:PORT` that follows "listening on ".
    static func port(in line: String, label: String) throws -> UInt16 {
        guard let range = line.range(of: "listening on ") else { throw OverheadError.message("\(label): '\(line)'") }
        let address = line[range.upperBound...].split(separator: " ").first ?? ""
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            throw OverheadError.message("\(label): no port in '\(line)'")
        }
        return port
    }

    /// An ephemeral port nobody listens on right now (bound, read, released).
    static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw OverheadError.message("socket failed (errno \(errno))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw OverheadError.message("bind to an ephemeral port failed (errno \(errno))") }
        return UInt16(bigEndian: address.sin_port)
    }

    static func waitUntilAccepting(port: UInt16, child: ChildProcess, timeout: Double = 10) throws {
        let deadline = Clock.monotonicNanoseconds() + UInt64(timeout * 1e9)
        while Clock.monotonicNanoseconds() < deadline {
            if child.hasExited { throw OverheadError.message("\(child.label) exited before listening\(child.stderrTail)") }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            close(fd)
            if connected { return }
            usleep(50_000)
        }
        throw OverheadError.message("\(child.label) did not accept connections on port \(port) within \(Int(timeout)) s\(child.stderrTail)")
    }

    /// Runs a short command to completion, output discarded.
    static func runQuietly(_ arguments: [String]) { _ = capture(arguments) }

    /// Runs a short command to completion and returns its stdout and stderr.
    static func capture(_ arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return "" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func machineFacts(ringwayVersion: String, seed: UInt64) -> [(key: String, value: String)] {
        var names = utsname()
        uname(&names)
        let release = withUnsafeBytes(of: &names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let cpuinfo = ProcStats.read("/proc/cpuinfo") ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? ""
        let formatter = ISO8601DateFormatter()
        return [
            ("kernel", release), ("cpu", model), ("cores", String(sysconf(Int32(_SC_NPROCESSORS_ONLN)))),
            ("ringway_version", ringwayVersion), ("date", formatter.string(from: Date())),
            ("command", CommandLine.arguments.map(shellQuoted).joined(separator: " ")), ("seed", String(seed)),
        ]
    }

    static func shellQuoted(_ word: String) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,@+")
        if !word.isEmpty && word.allSatisfy({ plain.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    static func write(_ text: String, to path: String, flag: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw OverheadError.message("\(flag): cannot write '\(path)': \(error)")
        }
    }

    /// Progress on stderr, only when a person is watching it.
    static func progress(_ line: String) {
        guard isatty(2) == 1 else { return }
        FileHandle.standardError.write(Data("overhead: \(line)\n".utf8))
    }

    static func complain(_ message: String) {
        FileHandle.standardError.write(Data("ringway-bench: \(message)\n".utf8))
    }
}
