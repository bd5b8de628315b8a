#if !RINGWAY_LIBFUZZER
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The plain build: replays corpus files through the same checks the fuzzer
/// runs, for CI and for reproducing a crash libFuzzer found.
///
///     ringway-fuzz-http [--verbose] DIR|FILE...
///
/// Every regular file of each directory (not recursive, dot-files skipped) is
/// one input. A broken invariant stops the process with its message and the
/// name of the input; exit 0 means no input crashed, 2 a path that could not
/// be read.
@main
enum CorpusReplay {
    static func main() {
        var paths = Array(CommandLine.arguments.dropFirst())
        if paths.isEmpty || paths.contains("-h") || paths.contains("--help") {
            print("""
                usage: ringway-fuzz-http [--verbose] DIR|FILE...
                replays each file through the HTTP fuzz checks; --verbose says how each one parsed
                """)
            exit(paths.isEmpty ? 2 : 0)
        }
        let verbose = paths.contains("--verbose")
        paths.removeAll { $0 == "--verbose" }
        CrashReport.install()
        var inputs = 0
        for path in paths {
            guard let files = CorpusFiles.list(path) else {
                fail("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            for file in files {
                guard let bytes = CorpusFiles.read(file) else {
                    fail("cannot read \(file): \(String(cString: strerror(errno)))")
                }
                CrashReport.current(file)
                bytes.withUnsafeBytes { input in
                    if verbose { print("\(file): \(HTTPFuzzTarget.describe(input))") }
                    HTTPFuzzTarget.run(input)
                }
                inputs += 1
            }
        }
        print("ringway-fuzz-http: \(inputs) inputs replayed, no invariant broken")
    }

    static func fail(_ message: String) -> Never {
        var line = "ringway-fuzz-http: \(message)\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        exit(2)
    }
}

enum CorpusFiles {
    /// The files `path` names: itself, or a directory's regular files sorted by name.
    static func list(_ path: String) -> [String]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        guard info.st_mode & S_IFMT == S_IFDIR else { return [path] }
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var files: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name.hasPrefix(".") { continue }
            let file = path.hasSuffix("/") ? path + name : path + "/" + name
            var fileInfo = stat()
            if stat(file, &fileInfo) == 0 && fileInfo.st_mode & S_IFMT == S_IFREG { files.append(file) }
        }
        return files.sorted()
    }

    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return nil }
            if n == 0 { return bytes }
            bytes += chunk[0..<n]
        }
    }
}

/// Names the input a crash happened on. A failed precondition traps; the
/// handler writes the file name (async-signal-safe write(2) only), then puts
/// back the previous handler, Swift's backtracer, which reports the rest.
enum CrashReport {
    nonisolated(unsafe) static var path: UnsafeMutablePointer<CChar>?
    /// Indexed by signal number, so the handler only reads plain memory.
    nonisolated(unsafe) static let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 32)
    static let signals: [CInt] = [SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE]

    static func current(_ file: String) {
        free(path)
        path = strdup(file)
    }

    static func install() {
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                CrashReport.report()
                sigaction(signal, CrashReport.previous + Int(signal), nil)
                // Returning re-executes a faulting instruction under the old
                // handler; a signal that was raised must be raised again.
                if signal == SIGABRT || signal == SIGTRAP { raise(signal) }
            }
            sigaction(signal, &action, previous + Int(signal))
        }
    }

    static func report() {
        let prefix: StaticString = "\nringway-fuzz-http: crashed on input "
        _ = write(2, prefix.utf8Start, prefix.utf8CodeUnitCount)
        if let path { _ = write(2, path, strlen(path)) }
        _ = write(2, "\n", 1)
    }
}
#endif
