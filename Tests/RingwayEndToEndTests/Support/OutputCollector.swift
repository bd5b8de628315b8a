import Foundation
import Glibc

/// Drains a pipe on its own thread so a chatty child never blocks on a full pipe,
/// and keeps what it read for failure messages.
final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private let fd: Int32

    /// Starts draining `fd`; `initial` is output already consumed by the caller.
    init(fd: Int32, initial: [UInt8] = []) {
        self.fd = fd
        self.bytes = initial
        let thread = Thread { [self] in self.drain() }
        thread.start()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: bytes.suffix(16 * 1024), as: UTF8.self)
    }

    private func drain() {
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = scratch.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            lock.lock()
            bytes.append(contentsOf: scratch[0..<n])
            lock.unlock()
        }
    }
}
