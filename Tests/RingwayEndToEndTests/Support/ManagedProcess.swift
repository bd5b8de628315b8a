import Foundation
import Glibc

/// A child process started for one test: waits for its readiness line, and on `stop()`
/// (or deinit) sends SIGTERM to its own PID only, waits, then SIGKILLs.
final class ManagedProcess: @unchecked Sendable {
    let name: String
    let process: Process
    /// The first stdout line, e.g. `ringway listening on 127.0.0.1:41234 workers=1 backend=io_uring`.
    let readinessLine: String
    /// The port from the first `127.0.0.1:PORT` token of the readiness line (0 if none).
    let port: UInt16
    private let stdoutCollector: OutputCollector
    private let stderrCollector: OutputCollector
    /// Held so the pipes' descriptors stay open while the collectors read them.
    private let pipes: [Pipe]

    var pid: Int32 { process.processIdentifier }
    var stderrText: String { stderrCollector.text }
    var stdoutText: String { stdoutCollector.text }

    /// Starts `executable arguments` and waits up to `readyTimeoutMs` for a stdout line
    /// containing `readyMarker`.
    /// `environment`: variables set (or replaced) on top of the test's own.
    init(name: String, executable: String, arguments: [String], readyMarker: String,
         readyTimeoutMs: Int = 10_000, environment: [String: String] = [:]) throws {
        self.name = name
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let stdoutPipe = Pipe(), stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        process.standardInput = FileHandle.nullDevice
        try ManagedProcess.runWithEmptySignalMask(process)
        self.process = process
        pipes = [stdoutPipe, stderrPipe]
        stderrCollector = OutputCollector(fd: stderrPipe.fileHandleForReading.fileDescriptor)

        let stdoutFD = stdoutPipe.fileHandleForReading.fileDescriptor
        let (line, consumed) = ManagedProcess.readLine(fd: stdoutFD, marker: readyMarker,
                                                       timeoutMs: readyTimeoutMs)
        stdoutCollector = OutputCollector(fd: stdoutFD, initial: consumed)
        guard let line else {
            ManagedProcess.terminate(process)
            sleepMillis(50)
            throw E2EError("""
                \(name) (\(executable) \(arguments.joined(separator: " "))) did not print a line \
                containing "\(readyMarker)" within \(readyTimeoutMs) ms \
                (running=\(process.isRunning)).
                stdout: \(String(decoding: consumed, as: UTF8.self))
                stderr: \(stderrCollector.text)
                """)
        }
        readinessLine = line
        port = ManagedProcess.port(in: line) ?? 0
    }

    deinit { stop() }

    /// Sends SIGTERM (to this PID only) and waits up to `graceMs` before SIGKILL.
    func stop(graceMs: Int = 3_000) {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        if waitForExit(timeoutMs: graceMs) { return }
        kill(pid, SIGKILL)
        _ = waitForExit(timeoutMs: 2_000)
    }

    /// Sends a signal to this process only.
    func signal(_ signal: Int32) {
        if process.isRunning { kill(pid, signal) }
    }

    /// Whether the process exited within the timeout.
    func waitForExit(timeoutMs: Int) -> Bool {
        let start = monotonicNanos()
        while process.isRunning {
            if millisSince(start) > Double(timeoutMs) { return false }
            sleepMillis(10)
        }
        return true
    }

    /// Describes how the process ended, for assertions and messages.
    var exitDescription: String {
        if process.isRunning { return "still running" }
        let reason = process.terminationReason == .exit ? "exit status" : "signal"
        return "\(reason) \(process.terminationStatus)"
    }

    /// The Swift Testing worker threads block SIGTERM and friends, and a spawned child
    /// inherits the spawning thread's mask: a proxy started that way would never see the
    /// SIGTERM the shutdown tests send. Spawn with an empty mask, then restore ours.
    private static func runWithEmptySignalMask(_ process: Process) throws {
        var empty = sigset_t(), saved = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        try process.run()
    }

    private static func terminate(_ process: Process) {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    static func port(in line: String) -> UInt16? {
        for token in line.split(separator: " ") where token.hasPrefix("127.0.0.1:") {
            return UInt16(token.dropFirst("127.0.0.1:".count))
        }
        return nil
    }

    /// Reads `fd` until a line containing `marker` arrives or the deadline passes.
    private static func readLine(fd: Int32, marker: String, timeoutMs: Int) -> (String?, [UInt8]) {
        var consumed: [UInt8] = []
        var lineStart = 0
        let start = monotonicNanos()
        var byte: UInt8 = 0
        while true {
            let left = timeoutMs - Int(millisSince(start))
            if left <= 0 { return (nil, consumed) }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(left))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { return (nil, consumed) }
            let n = read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return (nil, consumed) }
            consumed.append(byte)
            if byte == UInt8(ascii: "\n") {
                let line = String(decoding: consumed[lineStart..<(consumed.count - 1)], as: UTF8.self)
                lineStart = consumed.count
                if line.contains(marker) { return (line, consumed) }
            }
        }
    }
}
