import Glibc
import RingwayHTTP

/// Why one probe request got no usable answer. Each case names the step that
/// failed and where, so a transition line in the log says what to fix
/// ("connect to 10.0.0.7:8000 refused", not "probe failed").
public enum ProbeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The endpoint's address cannot be probed (an https endpoint without
    /// TLS settings, a Unix path too long for sockaddr_un).
    case unsupportedAddress(String)
    /// socket(2) itself failed (descriptor limits, memory).
    case socketFailed(errno: Int32)
    /// Nothing listens there (ECONNREFUSED, or ENOENT for a Unix path).
    case refused(target: String)
    /// connect(2) failed for another reason (unreachable network, EACCES).
    case connectFailed(target: String, errno: Int32)
    /// A step did not finish within the probe's timeout.
    case timedOut(phase: ProbePhase, afterMs: Int)
    case writeFailed(errno: Int32)
    case readFailed(errno: Int32)
    /// The server closed before the response was complete.
    case closedEarly(phase: ProbePhase, bytesRead: Int)
    /// The response head or chunked framing broke HTTP/1.1's rules.
    case malformedResponse(HTTPParseError)
    /// The body (or the head) passed the client's bound.
    case responseTooLarge(limit: Int)
    /// The prober is stopping; the request was abandoned half-way.
    case cancelled
    /// The TLS handshake or a record failed (the message names the cause).
    case tlsFailed(String)

    public var description: String {
        switch self {
        case .unsupportedAddress(let why): return why
        case .socketFailed(let e): return "cannot create a socket: \(errnoText(e))"
        case .refused(let target): return "connect to \(target) refused"
        case .connectFailed(let target, let e): return "connect to \(target) failed: \(errnoText(e))"
        case .timedOut(let phase, let ms): return "timed out after \(ms) ms \(phase.waitingFor)"
        case .writeFailed(let e): return "sending the request failed: \(errnoText(e))"
        case .readFailed(let e): return "reading the response failed: \(errnoText(e))"
        case .closedEarly(let phase, let n):
            return "connection closed after \(n) bytes, \(phase.waitingFor)"
        case .malformedResponse(let e): return "malformed response: \(e.message)"
        case .responseTooLarge(let limit): return "response larger than \(limit) bytes"
        case .cancelled: return "cancelled: the prober is stopping"
        case .tlsFailed(let why): return "TLS: \(why)"
        }
    }
}

/// Which part of the exchange a timeout or an early close interrupted.
public enum ProbePhase: Sendable, Equatable {
    case connect, send, head, body

    var waitingFor: String {
        switch self {
        case .connect: return "waiting to connect"
        case .send: return "sending the request"
        case .head: return "waiting for the response head"
        case .body: return "reading the response body"
        }
    }
}

func errnoText(_ e: Int32) -> String { "\(String(cString: strerror(e))) (errno \(e))" }
