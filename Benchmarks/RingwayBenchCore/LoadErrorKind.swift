/// Ways a request can fail, counted separately in results.
public enum LoadErrorKind: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// A connection could not be established (counted per attempt).
    case connect
    /// No complete response within the plan's timeout (or still queued when the run ended).
    case timeout
    /// A complete response whose status was not 2xx.
    case status
    /// The connection ended (EOF, reset, failed send) before the response was complete.
    case truncated
    /// Open loop: no idle connection and the waiting queue was full.
    case backlog
    /// The response could not be framed as HTTP/1.1.
    case malformed

    public var description: String {
        switch self {
        case .connect: "connect"
        case .timeout: "timeout"
        case .status: "status"
        case .truncated: "truncated"
        case .backlog: "backlog"
        case .malformed: "malformed"
        }
    }
}

/// Per-kind error counters.
public struct LoadErrorCounts: Equatable, Sendable {
    private var counts = [Int](repeating: 0, count: LoadErrorKind.allCases.count)

    public init() {}

    public subscript(kind: LoadErrorKind) -> Int {
        get { counts[kind.rawValue] }
        set { counts[kind.rawValue] = newValue }
    }

    public var total: Int { counts.reduce(0, +) }

    /// `connect=2 timeout=1`, or `0` when there were none.
    public var summary: String {
        let parts = LoadErrorKind.allCases.filter { self[$0] > 0 }.map { "\($0)=\(self[$0])" }
        return parts.isEmpty ? "0" : parts.joined(separator: " ")
    }
}
