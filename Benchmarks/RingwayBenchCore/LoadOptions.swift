/// The `ringway-bench load` command line, validated.
public struct LoadOptions: Sendable {
    public var host = ""
    public var port: UInt16 = 0
    public var path = "/v1/chat/completions"
    public var body = Array(RequestBuilder.defaultBody.utf8)
    public var headers: [(name: String, value: String)] = []
    /// Requests per second; 0 selects the closed loop.
    public var rate: Double = 0
    public var poisson = false
    public var seed: UInt64 = 1
    public var connections = 0
    public var duration: Double = 0
    public var warmup: Double = 0
    public var timeout: Double = 10
    public var backlog: Int?
    public var busyPoll = false
    public var jsonPath: String?
    /// `--pin`: CPUs the generator runs on (sorted, unique); empty = not pinned.
    public var pinnedCPUs: [Int] = []
    public var label = "load"

    public init() {}

    public var target: String { RequestBuilder.hostHeader(host: host, port: port) }

    public var plan: LoadPlan {
        let mode: LoadPlan.Mode = rate > 0 ? .openLoop(ratePerSecond: rate, poisson: poisson, seed: seed) : .closedLoop
        let request = RequestBuilder.build(path: path, hostHeader: target, headers: headers, body: body)
        return LoadPlan(
            host: host, port: port, request: request, connections: connections, duration: duration,
            warmup: warmup, mode: mode, timeout: timeout, backlogLimit: backlog, busyPoll: busyPoll)
    }
}

/// A command-line mistake, worded for one line on stderr.
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
