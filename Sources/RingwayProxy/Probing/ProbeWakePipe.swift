import Glibc

/// A pipe that is never read: writing one byte makes its read end readable
/// for good. The prober polls it while idle and during every probe, so
/// `stop()` interrupts a sleep or a hanging request at once instead of
/// waiting out an interval or a timeout.
final class ProbeWakePipe: Sendable {
    let readFD: Int32
    private let writeFD: Int32

    init?() {
        var fds: [Int32] = [-1, -1]
        // pipe2 is hidden behind _GNU_SOURCE in Swift's Glibc; set the flags after.
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    func signal() {
        var byte: UInt8 = 1
        // A full pipe (EAGAIN) is already readable, which is all that matters.
        _ = write(writeFD, &byte, 1)
    }

    var isSignalled: Bool {
        var p = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, 0) == 1
    }

    /// Sleeps up to `ms` milliseconds or until signalled.
    func sleep(ms: Int32) {
        var p = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
        _ = poll(&p, 1, max(ms, 0))
    }
}
