#if canImport(Glibc)
import Glibc
#endif

/// A resolved TCP endpoint, looked up once before the run.
struct TargetAddress {
    var storage = sockaddr_storage()
    var length: socklen_t = 0
    var family: Int32 = 0

    init(host: String, port: UInt16) throws(LoadSetupError) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .unresolvableTarget(host: host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        family = first.pointee.ai_family
        length = first.pointee.ai_addrlen
        withUnsafeMutableBytes(of: &storage) { destination in
            destination.copyMemory(from: UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(length)))
        }
    }

    /// Starts a non-blocking connect. Returns the socket and whether it is already
    /// connected (loopback often is), or the errno of a failure.
    func startConnect() -> Result<(fd: Int32, connected: Bool), ConnectFailure> {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(ConnectFailure(errno: errno)) }
        // Requests and token chunks are small and latency-bound: never wait for Nagle.
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = storage
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
        }
        if result == 0 { return .success((fd, true)) }
        let code = errno
        if code == EINPROGRESS { return .success((fd, false)) }
        close(fd)
        return .failure(ConnectFailure(errno: code))
    }

    /// The pending error of a non-blocking connect (0 when it succeeded).
    static func connectResult(of fd: Int32) -> Int32 {
        var code: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &size) == 0 else { return errno }
        return code
    }
}

struct ConnectFailure: Error {
    var errno: Int32
}
