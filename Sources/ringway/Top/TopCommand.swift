import Foundation
import Glibc

/// `ringway top`: a live view of a running Ringway from its admin listener —
/// requests/s, overhead and TTFT percentiles, per-model rates and endpoint
/// health — refreshed every interval; `--once` prints one view and exits.
enum TopCommand {
    struct Options {
        var host = "127.0.0.1"
        var port: UInt16 = 9901
        var intervalMs = 1_000
        var once = false
    }

    static func run(_ args: [String]) -> Int32 {
        let options: Options
        do {
            options = try parse(args)
        } catch {
            if error.wantsHelp {
                print(Usage.topText)
                return 0
            }
            FileHandle.standardError.write(Data("ringway: \(error.message)\n".utf8))
            return 2
        }
        do {
            var before = try TopSnapshot.take(options)
            repeat {
                usleep(useconds_t(options.intervalMs * 1000))
                let now = try TopSnapshot.take(options)
                let view = TopView.render(now: now, before: before, options: options)
                // A terminal gets the view redrawn in place; a pipe a plain copy.
                let text = (options.once || isatty(1) == 0 ? "" : "\u{1B}[H\u{1B}[2J") + view
                FileHandle.standardOutput.write(Data(text.utf8))
                before = now
            } while !options.once
            return 0
        } catch {
            FileHandle.standardError.write(Data("ringway: top: \(error.message)\n".utf8))
            return 1
        }
    }

    static func parse(_ args: [String]) throws(UsageError) -> Options {
        var o = Options()
        var i = 0
        while i < args.count {
            let flag = args[i]
            func value() throws(UsageError) -> String {
                i += 1
                guard i < args.count else { throw UsageError(message: "\(flag) needs a value") }
                return args[i]
            }
            switch flag {
            case "-h", "--help": throw UsageError(message: "", wantsHelp: true)
            case "--admin": (o.host, o.port) = try ServeOptions.parseHostPort(try value(), flag: flag)
            case "--interval-ms":
                let text = try value()
                guard let n = Int(text), (100...60_000).contains(n) else {
                    throw UsageError(message: "--interval-ms must be a whole number in 100...60000, got '\(text)'")
                }
                o.intervalMs = n
            case "--once": o.once = true
            default: throw UsageError(message: "unknown option '\(flag)' (try 'ringway top --help')")
            }
            i += 1
        }
        return o
    }
}

/// One read of `/metrics` and `/admin/state`.
struct TopSnapshot {
    var metrics: PrometheusSample
    var state: [String: Any]
    var takenAt: Double

    static func take(_ o: TopCommand.Options) throws(AdminClient.Failure) -> TopSnapshot {
        let metrics = try AdminClient.get(host: o.host, port: o.port, path: "/metrics")
        let state = try AdminClient.get(host: o.host, port: o.port, path: "/admin/state")
        let object = (try? JSONSerialization.jsonObject(with: Data(state))) as? [String: Any] ?? [:]
        return TopSnapshot(metrics: PrometheusSample(String(decoding: metrics, as: UTF8.self)), state: object,
                           takenAt: Date().timeIntervalSince1970)
    }
}
