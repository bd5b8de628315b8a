#if canImport(Glibc)
import Glibc
#endif

/// Why a load run could not start (nothing was sent).
public enum LoadSetupError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingSymbol(String)
    case unresolvableTarget(host: String, reason: String)
    case systemCall(String, errno: Int32)

    public var description: String {
        switch self {
        case .missingSymbol(let name):
            "libc has no \(name) (epoll/timerfd are required: Linux only)"
        case .unresolvableTarget(let host, let reason):
            "cannot resolve target host '\(host)': \(reason)"
        case .systemCall(let call, let code):
            "\(call) failed: \(String(cString: strerror(code))) (errno \(code))"
        }
    }
}
