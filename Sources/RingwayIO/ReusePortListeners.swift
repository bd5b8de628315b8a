import CRingwayEngine
import Glibc

/// A start-up failure to bind, with the message a user sees.
public struct ListenError: Error, CustomStringConvertible {
    public let description: String
}

/// One SO_REUSEPORT listener per worker on the same address: the kernel
/// spreads new connections over them, and each worker's ring owns one.
public enum ReusePortListeners {
    /// Binds `count` listeners on `host:port`. With port 0 the first one picks
    /// an ephemeral port and the others share it. On failure nothing stays open.
    public static func open(host: String, port: UInt16, count: Int) -> Result<(fds: [Int32], port: UInt16), ListenError> {
        var address = rw_address()
        guard rw_address_ip(host, port, &address) == 0 else {
            return .failure(ListenError(description: "cannot listen on \(host): not a numeric IP address"))
        }
        var fds: [Int32] = []
        var port = port
        for _ in 0..<count {
            _ = rw_address_ip(host, port, &address)
            var bound: UInt16 = 0
            let fd = rw_listen_tcp(&address, 4096, &bound)
            guard fd >= 0 else {
                fds.forEach { rw_close_now($0) }
                return .failure(ListenError(
                    description: "cannot listen on \(host):\(port): \(String(cString: strerror(-fd)))"))
            }
            fds.append(fd)
            port = bound
        }
        return .success((fds, port))
    }
}
