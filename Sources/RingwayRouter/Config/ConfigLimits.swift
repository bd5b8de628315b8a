/// The ranges the config accepts, in one place so the decoder, the error
/// messages and `docs/CONFIG.md` agree.
enum ConfigLimits {
    /// Every `*_ms` timeout: 1 ms to one day.
    static let timeoutMs = 1...86_400_000
    static let endpointWeight = 1...1_000
    /// A split target may be 0 (an arm switched off); the sum must not be.
    static let splitWeight = 0...1_000
    static let port = 1...65_535
    static let maxAttempts = 1...10
    static let backoffMs = 0...60_000
    static let preCommitMs = 0...60_000
    static let preCommitEvents = 0...1_000
    static let prefixBytes = 16...65_536
    static let loadFactor = (min: 1.0, max: 10.0)
    static let maxConnections = 1...65_536
    static let maxConcurrency = 1...1_000_000
    static let maxWaiting = 0...1_000_000
    static let probeThreshold = 1...100
    static let consecutiveFailures = 1...1_000
    static let percent = 0...100
    static let tokens = 0...100_000_000
    static let contextWindow = 1...100_000_000
    /// `sun_path` holds 108 bytes including the terminating NUL.
    static let unixPathBytes = 107
    static let nameBytes = 256
}
