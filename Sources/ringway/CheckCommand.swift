import Foundation
import RingwayProxy
import RingwayRouter

/// `ringway check --config FILE`: validates a config without starting
/// anything, for CI and before a reload. Exit 0 = valid (one summary line on
/// stdout), 1 = the file is invalid or unreadable (every error on stderr,
/// compiler style), 2 = bad usage.
enum CheckCommand {
    static func run(_ args: [String]) -> Int32 {
        let path: String
        do {
            path = try parse(args)
        } catch {
            if error.wantsHelp {
                print(Usage.checkText)
                return 0
            }
            FileHandle.standardError.write(Data("ringway: \(error.message)\n".utf8))
            return 2
        }
        switch RouterConfig.load(path: path, environment: ProcessInfo.processInfo.environment) {
        case .success(let config):
            // OpenSSL reads the CA files as `serve` will (the decoder checked
            // only that they look like PEM certificates).
            if let table = try? RoutingTable.compile(config, version: 1, loadedAt: 0) {
                let problems = UpstreamTLSContexts().problems(in: table)
                if !problems.isEmpty {
                    let lines = problems.map { "\(path): \($0)" } + [counted(problems.count, "error")]
                    FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
                    return 1
                }
            }
            print("config OK: \(summary(config))")
            return 0
        case .failure(let failure):
            let lines: [String]
            if failure.errors.count == 1, failure.errors[0].line == 0 {
                // The file itself could not be read: one line that names it and why.
                lines = ["ringway: \(failure.errors[0].reason)"]
            } else {
                lines = failure.errors.map { $0.formatted(file: path) } + [counted(failure.errors.count, "error")]
            }
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            return 1
        }
    }

    static func parse(_ args: [String]) throws(UsageError) -> String {
        var path: String?
        var i = 0
        while i < args.count {
            switch args[i] {
            case "-h", "--help":
                throw UsageError(message: "", wantsHelp: true)
            case "--config":
                i += 1
                guard i < args.count, !args[i].isEmpty else { throw UsageError(message: "--config needs a file path") }
                guard path == nil else { throw UsageError(message: "--config is given twice; check one file at a time") }
                path = args[i]
            default:
                throw UsageError(message: "unknown option '\(args[i])' (try 'ringway check --help')")
            }
            i += 1
        }
        guard let path else { throw UsageError(message: "check needs --config FILE (e.g. ringway check --config ringway.json)") }
        return path
    }

    /// `3 pools, 5 models, 2 rules, 1 split, 0 shadows`
    static func summary(_ config: RouterConfig) -> String {
        [
            counted(config.pools.count, "pool"), counted(config.models.count, "model"),
            counted(config.rules.count, "rule"), counted(config.splits.count, "split"),
            counted(config.shadows.count, "shadow"),
        ].joined(separator: ", ")
    }

    private static func counted(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }
}
