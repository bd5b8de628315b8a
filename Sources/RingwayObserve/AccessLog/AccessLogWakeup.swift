import Glibc

/// A self-pipe the writer thread sleeps on with poll(2), so it can be woken
/// early (stop, reopen, a worker that sees its ring filling) without a lock
/// or condition variable: waking is one non-blocking write(2), which is also
/// async-signal-safe.
struct AccessLogWakeup: ~Copyable {
    let readEnd: Int32
    let writeEnd: Int32

    init() throws(AccessLogError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw AccessLogError("access log: cannot create the wake-up pipe: \(AccessLogOutput.describe(errno))")
        }
        for fd in ends {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        _ = close(readEnd)
        _ = close(writeEnd)
    }

    /// A full pipe means a wake-up is already pending, so EAGAIN is fine.
    func signal() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Sleeps until signalled or `milliseconds` pass, then empties the pipe.
    func wait(milliseconds: Int32) {
        var ready = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        guard poll(&ready, 1, milliseconds) > 0 else { return }
        var sink = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &sink, { read(readEnd, $0.baseAddress, $0.count) }) > 0 {}
    }
}
