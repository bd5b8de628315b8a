/// Where access log lines go.
public enum AccessLogDestination: Sendable, Equatable {
    /// The process's standard output (for containers and systemd, which
    /// collect it); `reopen()` leaves it alone.
    case standardOutput
    /// A file opened for appending (created 0644 if missing) and reopened by
    /// path on `reopen()`, after a rotation tool has renamed it.
    case file(String)
}

/// What went wrong with the log output, naming the file and the errno.
public struct AccessLogError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String

    public init(_ description: String) { self.description = description }
}
