import CRingwayEngine
import Glibc

/// `ringway-bench upstream`: parse, start, print the readiness line, wait for
/// SIGTERM or SIGINT, stop, exit 0. Bad flags: one line on stderr, exit 2.
public enum MockUpstreamCommand {
    public static func run(_ arguments: [String]) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            writeLine(MockCommandLine.usage, to: 1)
            return 0
        }
        let settings: MockSettings
        do {
            settings = try MockCommandLine.parse(arguments)
        } catch {
            writeLine("ringway-bench: \(error.message)", to: 2)
            return 2
        }
        _ = rw_raise_nofile_limit()
        // Blocked before any worker starts, so only this thread takes them.
        _ = rw_block_signals()
        let server: MockUpstreamServer
        do {
            server = try MockUpstreamServer.start(settings)
        } catch {
            writeLine("ringway-bench: upstream: \(error)", to: 2)
            return 1
        }
        writeLine(server.readinessLine, to: 1)
        var detail = "ring \(server.ringSetup); workers \(settings.workers)"
        if let path = settings.unixPath { detail += "; also unix:\(path)" }
        if settings.slots > 0 {
            detail += "; slots \(settings.slots), queue \(settings.queue.map { "\($0)" } ?? "unlimited")"
        }
        writeLine("ringway-bench: upstream: \(detail)", to: 2)
        while true {
            let signal = rw_wait_signal(250)
            if signal == SIGTERM || signal == SIGINT { break }
        }
        server.stop()
        return 0
    }

    /// One whole line with one write, so a reader waiting for it never sees half.
    static func writeLine(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        bytes.append(0x0A)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n <= 0 { return }
            done += n
        }
    }
}
