import Foundation
import Glibc

struct TLSTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A self-signed certificate for localhost / 127.0.0.1 and a 1 MiB file,
/// generated once per test process into a temporary directory.
final class TLSTestFiles: Sendable {
    let directory: String
    var certificate: String { directory + "/cert.pem" }
    var key: String { directory + "/key.pem" }
    /// Served by `s_server -WWW` as `/payload.bin`.
    let payload: [UInt8]

    static let shared: Result<TLSTestFiles, TLSTestFailure> = Result { try TLSTestFiles() }
        .mapError { $0 as? TLSTestFailure ?? TLSTestFailure("\($0)") }

    static func get() throws -> TLSTestFiles {
        let files = try shared.get()
        _ = removeAtExit
        return files
    }

    /// Registered once: the temporary directory goes when the test process ends.
    private static let removeAtExit: Void = {
        atexit {
            if case .success(let files) = TLSTestFiles.shared {
                try? FileManager.default.removeItem(atPath: files.directory)
            }
        }
    }()

    private init() throws {
        var template = Array("/tmp/ringway-tls-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TLSTestFailure("mkdtemp failed: errno \(errno)") }
        directory = String(cString: made)
        var generator = SystemRandomNumberGenerator()
        payload = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let status = try Self.run("/usr/bin/env", [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem",
        ])
        guard status == 0 else { throw TLSTestFailure("openssl req exited with status \(status)") }
        guard FileManager.default.createFile(atPath: directory + "/payload.bin", contents: Data(payload)) else {
            throw TLSTestFailure("cannot write \(directory)/payload.bin")
        }
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let start = DispatchTime.now().uptimeNanoseconds
        while process.isRunning {
            if DispatchTime.now().uptimeNanoseconds - start > 30_000_000_000 {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw TLSTestFailure("\(arguments.joined(separator: " ")) took over 30 s")
            }
            usleep(5_000)
        }
        return process.terminationStatus
    }
}

/// One `openssl s_server` on an ephemeral port for one test; `stop()` (or
/// deinit) SIGKILLs its PID and reaps it.
final class OpenSSLServer {
    let process: Process
    let port: UInt16
    private let output: OutputDrain

    /// `mode` is "-www", "-WWW" or "-rev"; `extra` adds flags.
    init(mode: String, extra: [String] = []) throws {
        let files = try TLSTestFiles.get()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "s_server", "-accept", "0", "-cert", files.certificate,
                             "-key", files.key, "-alpn", "http/1.1", mode] + extra
        process.currentDirectoryURL = URL(fileURLWithPath: files.directory)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        output = OutputDrain(fd: pipe.fileHandleForReading.fileDescriptor, pipe: pipe)
        // s_server prints "ACCEPT [::]:PORT" once it listens.
        var found: UInt16?
        let start = DispatchTime.now().uptimeNanoseconds
        while found == nil && DispatchTime.now().uptimeNanoseconds - start < 10_000_000_000 {
            let text = output.text
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT") }),
               let colon = line.lastIndex(of: ":") {
                found = UInt16(line[line.index(after: colon)...])
            }
            if found == nil { usleep(2_000) }
        }
        guard let found else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TLSTestFailure("openssl s_server printed no ACCEPT line in 10 s: \(output.text)")
        }
        port = found
    }

    /// Everything s_server printed so far (stdout and stderr).
    var log: String { output.text }

    /// Waits up to a second for `text` to show up in the log.
    func waitForLog(_ text: String) -> Bool {
        for _ in 0..<200 {
            if log.contains(text) { return true }
            usleep(5_000)
        }
        return false
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// Reads a pipe to EOF on its own thread so the child never blocks on a full pipe.
final class OutputDrain: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private let pipe: Pipe

    init(fd: Int32, pipe: Pipe) {
        self.pipe = pipe
        let thread = Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                lock.lock(); bytes.append(contentsOf: chunk[0..<n]); lock.unlock()
            }
        }
        thread.start()
    }

    var text: String {
        lock.lock(); defer { lock.unlock() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
