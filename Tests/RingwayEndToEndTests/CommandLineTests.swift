import Foundation
import Testing

/// The CLI's contract: help and version succeed; every bad start prints one
/// clear line on stderr and exits non-zero.
extension EndToEnd {
    @Suite struct CommandLine {
        struct Outcome {
            var status: Int32
            var stdout: String
            var stderr: String
        }

        /// Runs `ringway` to completion (bounded: it is killed after 10 s).
        static func run(_ arguments: [String]) throws -> Outcome {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try TestPaths.ringwayBinary())
            process.arguments = arguments
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return Outcome(
                status: process.terminationStatus,
                stdout: String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                stderr: String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }

        @Test func helpAndVersionSucceed() throws {
            let help = try Self.run(["--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("ringway serve"))
            let serveHelp = try Self.run(["serve", "--help"])
            #expect(serveHelp.status == 0)
            #expect(serveHelp.stdout.contains("--upstream"))
            #expect(serveHelp.stdout.contains("--upstream-ca-file PATH"))
            #expect(serveHelp.stdout.contains("https://HOST[:PORT]"))
            let version = try Self.run(["--version"])
            #expect(version.status == 0)
            #expect(version.stdout.hasPrefix("ringway "))
        }

        @Test(arguments: [
            (["serve", "--upstream", "http://127.0.0.1:1", "--bogus"], "unknown option '--bogus'"),
            (["serve", "--listen", "127.0.0.1:0"], "needs --upstream"),
            (["serve", "--upstream", "ftp://x"], "--upstream must be"),
            (["serve", "--upstream", "http://127.0.0.1:1", "--workers", "0"], "--workers must be"),
            (["serve", "--upstream", "http://127.0.0.1:1", "--buffer-count", "1000"], "power of two"),
            (["serve", "--upstream", "http://127.0.0.1:1", "--listen", "nowhere"], "--listen expects HOST:PORT"),
            (["launch"], "unknown command 'launch'"),
            (["serve", "--upstream", "https://127.0.0.1:1/v1"], "--upstream expects https://HOST[:PORT] with no path"),
            (["serve", "--upstream", "http://127.0.0.1:1", "--upstream-insecure"], "apply to an https:// --upstream only"),
            (["serve", "--upstream", "https://127.0.0.1:1", "--upstream-ca-file", "/nonexistent/ca.pem"],
             "--upstream-ca-file: cannot read CA file \"/nonexistent/ca.pem\": No such file or directory"),
            (["serve", "--upstream", "https://127.0.0.1:1", "--upstream-ca-file", "/proc/version"],
             "holds no PEM certificate"),
        ])
        func badInvocationsExitNonZeroWithOneLine(arguments: [String], expected: String) throws {
            let outcome = try Self.run(arguments)
            #expect(outcome.status == 2)
            #expect(outcome.stderr.contains(expected), "stderr: \(outcome.stderr)")
            #expect(outcome.stderr.split(separator: "\n").count == 1, "stderr: \(outcome.stderr)")
        }

        @Test func portInUseIsReportedAndExitsNonZero() throws {
            // SO_REUSEPORT lets only the same user share a port; a second
            // ringway binding it would silently split traffic, so take the port
            // with a plain socket that has no SO_REUSEPORT instead.
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Bool in
                    bind(fd, p, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, p, &length) == 0
                }
            }
            try #require(bound)
            let port = UInt16(bigEndian: address.sin_port)
            let outcome = try Self.run(["serve", "--listen", "127.0.0.1:\(port)", "--upstream", "http://127.0.0.1:1"])
            #expect(outcome.status == 1)
            #expect(outcome.stderr.contains("cannot listen on 127.0.0.1:\(port)"), "stderr: \(outcome.stderr)")
            #expect(outcome.stderr.contains("in use"), "stderr: \(outcome.stderr)")
        }
    }
}
