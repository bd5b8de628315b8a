import RingwayHTTP

/// A mirrored request on its own upstream connection: its head and the real
/// request's body go out from reference-counted blocks, and the answer is
/// read only to time it and learn its status.
final class ShadowExchange {
    let shadow: Int
    let startedAt: UInt64
    var headIn = ByteArena()
    var response = ResponseHead()
    var headDone = false
    var framing = BodyFraming.none
    var remaining: Int64 = 0
    var chunks = ChunkedFraming(limits: HTTPLimits())
    var status = 0

    init(shadow: Int, startedAt: UInt64) {
        self.shadow = shadow
        self.startedAt = startedAt
    }
}

/// What one worker saw of one shadow target (merged into metrics on scrape).
struct ShadowStats {
    var requests = 0
    var completed = 0
    var failed = 0
    var byStatusClass = [Int](repeating: 0, count: 6)
    var latencyTotalNs: UInt64 = 0
    var latencyMaxNs: UInt64 = 0
}
