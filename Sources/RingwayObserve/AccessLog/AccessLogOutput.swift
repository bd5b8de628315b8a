import Glibc

/// The writer thread's file descriptor and the syscalls on it. Only the
/// writer thread uses it once started; every failure becomes an
/// `AccessLogError` naming the path and errno.
struct AccessLogOutput {
    let destination: AccessLogDestination
    private(set) var fd: Int32 = -1

    init(_ destination: AccessLogDestination) { self.destination = destination }

    /// How long a write may wait for a non-blocking descriptor (a pipe
    /// inherited in non-blocking mode) to drain before the batch is given up.
    static let writeWaitMilliseconds: Int32 = 1000

    mutating func open() throws(AccessLogError) {
        switch destination {
        case .standardOutput:
            fd = STDOUT_FILENO
        case .file(let path):
            fd = try Self.openForAppend(path)
        }
    }

    /// Opens the path again and swaps descriptors, so lines after a rename go
    /// to a fresh file. On failure the old descriptor stays in use: a log
    /// that keeps going to the renamed file beats a log that stops.
    mutating func reopen() throws(AccessLogError) {
        guard case .file(let path) = destination else { return }
        let fresh = try Self.openForAppend(path)
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = fresh
    }

    mutating func close() {
        if case .file = destination, fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    /// Writes all of `bytes`: one write(2) unless the kernel takes less.
    func write(_ bytes: UnsafeRawBufferPointer) throws(AccessLogError) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, base + offset, bytes.count - offset)
            if n > 0 {
                offset += n
                continue
            }
            let code = n < 0 ? errno : EIO
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK {
                var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&ready, 1, Self.writeWaitMilliseconds) > 0 { continue }
                throw AccessLogError("access log \(name): output blocked for \(Self.writeWaitMilliseconds) ms, batch dropped")
            }
            throw AccessLogError("access log \(name): write failed: \(Self.describe(code))")
        }
    }

    var name: String {
        switch destination {
        case .standardOutput: return "stdout"
        case .file(let path): return path
        }
    }

    private static func openForAppend(_ path: String) throws(AccessLogError) -> Int32 {
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AccessLogError("access log \(path): cannot open for appending: \(describe(errno))") }
        return fd
    }

    static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return "\(String(validatingCString: text) ?? "errno") (errno \(code))"
    }
}
