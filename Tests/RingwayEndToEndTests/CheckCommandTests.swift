import Foundation
import Testing

/// `ringway check --config FILE` against the real binary: a summary line and
/// exit 0 for a valid file, compiler-style error lines and exit 1 for an
/// invalid one, one line and exit 2 for bad usage.
extension EndToEnd {
    @Suite struct CheckCommand {
        struct Outcome {
            var status: Int32
            var stdout: String
            var stderr: String
        }

        /// Runs `ringway` to completion with exactly `environment` (bounded: killed after 10 s).
        static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try TestPaths.ringwayBinary())
            process.arguments = arguments
            process.environment = environment
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

        /// Writes `text` to a fresh file in a private temporary directory.
        static func file(_ text: String, name: String = "ringway.json") throws -> String {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ringway-check-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let url = dir.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }

        static var repositoryRoot: URL {
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        }

        @Test func aValidFilePrintsItsSummary() throws {
            let path = try Self.file("""
                {
                  "pools": {"a": {"endpoints": ["http://127.0.0.1:8000"]}, "b": {"endpoints": ["unix:/run/b.sock"]}},
                  "models": {"m": {"pool": "a"}, "n": {"pool": "b", "price": {"input": 1, "output": 1}}},
                  "rules": [{"match": {"tools": true}, "model": "n"}],
                  "splits": [{"model": "m", "targets": [{"model": "m", "weight": 1}, {"model": "n", "weight": 1}]}]
                }
                """)
            let outcome = try Self.run(["check", "--config", path])
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            #expect(outcome.stdout == "config OK: 2 pools, 2 models, 1 rule, 1 split, 0 shadows\n")
            #expect(outcome.stderr.isEmpty)
        }

        @Test func anInvalidFileListsEveryErrorWithItsPosition() throws {
            let path = try Self.file("""
                {
                  "pools": {
                    "vllm": {
                      "endpoints": ["http://127.0.0.1:8000", {"url": "htp://x"}],
                      "stratgy": "round_robin"
                    }
                  },
                  "models": {"m": {"pool": "vlm"}}
                }
                """)
            let outcome = try Self.run(["check", "--config", path])
            #expect(outcome.status == 1)
            #expect(outcome.stdout.isEmpty)
            #expect(outcome.stderr.split(separator: "\n").map(String.init) == [
                "\(path):4:54: pools.vllm.endpoints[1].url: expected http://host:port, https://host[:port] or unix:/path, got \"htp://x\"",
                "\(path):5:7: pools.vllm.stratgy: unknown field \"stratgy\" (did you mean \"strategy\"?)",
                "\(path):8:28: models.m.pool: unknown pool \"vlm\" (did you mean \"vllm\"?)",
                "3 errors",
            ])
        }

        @Test func aSyntaxErrorIsOneError() throws {
            let path = try Self.file("{\"pools\": {},}\n")
            let outcome = try Self.run(["check", "--config", path])
            #expect(outcome.status == 1)
            #expect(outcome.stderr == "\(path):1:13: trailing comma before '}' (JSON allows none)\n1 error\n")
        }

        @Test func environmentReferencesComeFromTheEnvironment() throws {
            let path = try Self.file("""
                {"pools": {"p": {"endpoints": ["${UPSTREAM}"]}}, "default": {"pool": "p"}}
                """)
            let unset = try Self.run(["check", "--config", path])
            #expect(unset.status == 1)
            #expect(unset.stderr.contains("\(path):1:32: pools.p.endpoints[0]: environment variable \"UPSTREAM\" is not set"),
                    "stderr: \(unset.stderr)")
            let set = try Self.run(["check", "--config", path], environment: ["UPSTREAM": "http://127.0.0.1:9"])
            #expect(set.status == 0, "stderr: \(set.stderr)")
            #expect(set.stdout == "config OK: 1 pool, 0 models, 0 rules, 0 splits, 0 shadows\n")
        }

        @Test(arguments: ["vllm-sidecar.json", "pools-with-fallbacks.json", "hybrid-hosted-local.json"])
        func theShippedExamplesPass(name: String) throws {
            let path = Self.repositoryRoot.appendingPathComponent("examples/\(name)").path
            let outcome = try Self.run(["check", "--config", path], environment: [
                "OPENAI_API_KEY": "sk-test", "RINGWAY_APP_KEY": "rw-app", "RINGWAY_BATCH_KEY": "rw-batch",
            ])
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            #expect(outcome.stdout.hasPrefix("config OK: "))
        }

        @Test func aMissingFileIsOnePreciseLine() throws {
            let path = "/nonexistent-\(UUID().uuidString)/ringway.json"
            let outcome = try Self.run(["check", "--config", path])
            #expect(outcome.status == 1)
            #expect(outcome.stderr == "ringway: cannot read config file \"\(path)\": No such file or directory\n")
            let directory = try Self.run(["check", "--config", FileManager.default.temporaryDirectory.path])
            #expect(directory.status == 1)
            #expect(directory.stderr.hasSuffix(": it is a directory\n"), "stderr: \(directory.stderr)")
            #expect(directory.stderr.split(separator: "\n").count == 1)
        }

        @Test(arguments: [
            (["check"], "check needs --config FILE"),
            (["check", "--config"], "--config needs a file path"),
            (["check", "--config", "a.json", "--verbose"], "unknown option '--verbose'"),
            (["check", "--config", "a.json", "--config", "b.json"], "--config is given twice"),
        ])
        func badUsageIsOneLineAndExitTwo(arguments: [String], expected: String) throws {
            let outcome = try Self.run(arguments)
            #expect(outcome.status == 2)
            #expect(outcome.stderr.contains(expected), "stderr: \(outcome.stderr)")
            #expect(outcome.stderr.split(separator: "\n").count == 1, "stderr: \(outcome.stderr)")
        }

        @Test func helpPrintsUsage() throws {
            let help = try Self.run(["check", "--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("ringway check --config FILE"))
            let top = try Self.run(["--help"])
            #expect(top.stdout.contains("ringway check --config FILE"))
        }
    }
}
