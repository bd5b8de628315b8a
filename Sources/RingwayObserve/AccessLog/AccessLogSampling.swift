import RingwayHTTP

/// Which records are written: a fixed fraction chosen by a hash of the
/// request id, so the decision is the same wherever the id is seen again
/// (a retry, a second proxy with the same rate) and independent of arrival
/// order; server errors (status >= 500) are always kept.
public struct AccessLogSampling: Sendable, Equatable {
    /// Keep a record when its hash is below this; `UInt64.max` keeps all.
    public let threshold: UInt64

    /// `rate` is clamped to 0...1; NaN keeps nothing.
    public init(rate: Double) {
        if rate >= 1 {
            threshold = .max
        } else if rate > 0 {
            // 2^64 * rate, computed below 2^64 so the conversion cannot trap.
            threshold = UInt64(rate * 18_446_744_073_709_549_568.0)
        } else {
            threshold = 0
        }
    }

    init(threshold: UInt64) { self.threshold = threshold }

    public func keeps(_ record: borrowing AccessLogRecord) -> Bool {
        // Two ifs, not `||`: its autoclosure cannot capture a borrowed record.
        if threshold == .max { return true }
        if record.status >= 500 { return true }
        if threshold == 0 { return false }
        return Self.hash(record) < threshold
    }

    /// FNV-1a over the request id, finished with a 64-bit mixer so every bit
    /// of the result depends on every input byte (FNV alone leaves the high
    /// bits weak for short, similar ids like "req-1", "req-2"). A record
    /// without an id hashes its trace id and timestamp instead.
    static func hash(_ record: borrowing AccessLogRecord) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        if record.requestIDCount > 0 {
            record.withRequestID { id in
                for b in id { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
            }
        } else {
            h ^= record.traceIDHigh ^ record.traceIDLow ^ record.timestampNs
        }
        return avalanche(h)
    }
}
