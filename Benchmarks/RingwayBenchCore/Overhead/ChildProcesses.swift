import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// PIDs of the children `ringway-bench overhead` started, in a fixed buffer a
/// signal handler can read without locks or allocation.
enum ChildRegistry {
    static let capacity = 64
    nonisolated(unsafe) static let pids: UnsafeMutablePointer<pid_t> = {
        let buffer = UnsafeMutablePointer<pid_t>.allocate(capacity: capacity)
        buffer.initialize(repeating: 0, count: capacity)
        return buffer
    }()
    nonisolated(unsafe) static var count = 0

    static func add(_ pid: pid_t) {
        guard count < capacity else { return }
        pids[count] = pid
        count += 1
    }

    /// SIGTERM to every child's process group (each child leads its own), SIGKILL to
    /// those alive 3 s later; reaps them all.
    /// Async-signal-safe (kill, waitpid, nanosleep only).
    static func stopAll() {
        let total = count
        for index in 0..<total where pids[index] > 0 {
            kill(-pids[index], SIGTERM)
            kill(pids[index], SIGTERM)
        }
        var waited = 0
        while waited < 3000 {
            var alive = false
            for index in 0..<total where pids[index] > 0 {
                if waitpid(pids[index], nil, WNOHANG) == 0 { alive = true } else { pids[index] = 0 }
            }
            if !alive { break }
            var pause = timespec(tv_sec: 0, tv_nsec: 20_000_000)
            nanosleep(&pause, nil)
            waited += 20
        }
        for index in 0..<total where pids[index] > 0 {
            kill(-pids[index], SIGKILL)
            kill(pids[index], SIGKILL)
            waitpid(pids[index], nil, 0)
            pids[index] = 0
        }
    }

    /// Stops the children on SIGINT/SIGTERM before exiting (130 / 143).
    static func installSignalHandlers() {
        let handler: @convention(c) (Int32) -> Void = { signal in
            ChildRegistry.stopAll()
            _exit(128 + signal)
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }
}

/// A started child: its PID, and its stdout read line by line until it is ready.
final class ChildProcess {
    let pid: pid_t
    let label: String
    let stderrPath: String
    private let stdoutFD: Int32
    private var pending: [UInt8] = []

    /// Starts `arguments` (argv[0] a path or a name looked up in PATH) under
    /// `taskset -c cpus`, with stdout on a pipe and stderr in `stderrPath`.
    init(_ arguments: [String], cpus: String, label: String, stderrPath: String) throws(OverheadError) {
        self.label = label
        self.stderrPath = stderrPath
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0, fcntl(fds[0], F_SETFD, FD_CLOEXEC) == 0, fcntl(fds[1], F_SETFD, FD_CLOEXEC) == 0 else { throw .message("\(label): pipe failed (errno \(errno))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group (a terminal's ^C reaches only us; we stop the children),
        // default signal dispositions (we ignore SIGPIPE), nothing blocked.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, signal) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let argv = ["taskset", "-c", cpus] + arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var childPID: pid_t = 0
        let status = posix_spawnp(&childPID, "taskset", &actions, &attributes, &cArguments, environ)
        close(fds[1])
        guard status == 0 else {
            close(fds[0])
            throw .message("\(label): cannot start taskset \(arguments.joined(separator: " ")) (errno \(status))")
        }
        pid = childPID
        stdoutFD = fds[0]
        ChildRegistry.add(childPID)
    }

    deinit { close(stdoutFD) }

    /// Reads stdout until a line contains `marker`, returning that line.
    func waitForLine(containing marker: String, timeout: Double = 10) throws(OverheadError) -> String {
        let deadline = Clock.monotonicNanoseconds() + UInt64(timeout * 1e9)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                if line.contains(marker) { return line }
            }
            let now = Clock.monotonicNanoseconds()
            guard now < deadline else { throw .message("\(label) printed no '\(marker)' line within \(Int(timeout)) s\(stderrTail)") }
            var poller = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min((deadline - now) / 1_000_000 + 1, 200)))
            if ready <= 0 { continue }
            let got = read(stdoutFD, &buffer, buffer.count)
            if got <= 0 { throw .message("\(label) exited before it was ready\(stderrTail)") }
            pending.append(contentsOf: buffer[..<got])
        }
    }

    /// Keeps reading stdout in the background so the child never blocks on a full pipe.
    func drainStdout() {
        let fd = stdoutFD
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while read(fd, &buffer, buffer.count) > 0 {}
        }
        thread.start()
    }

    var hasExited: Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid
    }

    var stderrTail: String {
        guard let data = FileManager.default.contents(atPath: stderrPath), !data.isEmpty else { return "" }
        let text = String(decoding: data.suffix(600), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return "; its stderr: \(text)"
    }
}

public enum OverheadError: Error, CustomStringConvertible {
    case message(String)
    public var description: String {
        switch self { case .message(let text): text }
    }
}
