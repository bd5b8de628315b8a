/// How one attempt against an endpoint ended, as the proxy reports it to
/// `PoolBalancer.requestFinished`.
public enum AttemptOutcome: Sendable, Equatable {
    case success
    /// A 5xx answer, or a reset after the request was sent.
    case serverError
    /// The TCP connect failed or was refused.
    case connectFailure
    /// No response head within the try timeout.
    case timeout
    /// A 429. Counted, but never towards ejection: a rate limit is the
    /// upstream working as designed, and ejecting it would push its traffic
    /// onto the other endpoints that share the same quota.
    case rateLimited
    /// The client went away or the proxy answered for the upstream: the
    /// attempt says nothing about the endpoint either way.
    case cancelled

    /// Whether this outcome is a sign the endpoint is broken.
    @inline(__always)
    var countsAsFailure: Bool {
        switch self {
        case .serverError, .connectFailure, .timeout: return true
        case .success, .rateLimited, .cancelled: return false
        }
    }
}
