import Foundation

/// Where the binaries and fixtures under test live.
enum TestPaths {
    /// `RINGWAY_BIN`, else the `ringway` executable next to the test bundle (`.build/<config>/`).
    static func ringwayBinary() throws -> String {
        if let fromEnv = ProcessInfo.processInfo.environment["RINGWAY_BIN"], !fromEnv.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: fromEnv) else {
                throw E2EError("RINGWAY_BIN=\(fromEnv) is not an executable file")
            }
            return fromEnv
        }
        var candidates: [String] = []
        for executable in [CommandLine.arguments.first, Bundle.main.executablePath].compactMap({ $0 }) {
            let url = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
            // The bundle may be `X.xctest` (a file on Linux) or a directory containing the executable.
            var dir = url.deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(dir.appendingPathComponent("ringway").path)
                dir = dir.deletingLastPathComponent()
            }
        }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            return found
        }
        throw E2EError("""
            ringway binary not found (looked at \(candidates.joined(separator: ", "))). \
            Run `swift build` (with the same --scratch-path) first, or set RINGWAY_BIN=/path/to/ringway.
            """)
    }

    /// Tests/Fixtures/mock_upstream.py, found from this source file's location.
    static var mockUpstreamScript: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // RingwayEndToEndTests
            .deletingLastPathComponent()  // Tests
            .appendingPathComponent("Fixtures/mock_upstream.py").path
    }
}

extension TestPaths {
    /// `ringway-bench`, next to the `ringway` binary in use.
    static func benchBinary() throws -> String {
        let ringway = try ringwayBinary()
        let path = URL(fileURLWithPath: ringway).deletingLastPathComponent().appendingPathComponent("ringway-bench").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw E2EError("ringway-bench not found at \(path); run `swift build` first")
        }
        return path
    }
}
