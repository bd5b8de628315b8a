import Foundation
import RingwayBenchCore

#if canImport(Glibc)
import Glibc
#endif

/// `ringway-bench load`: parse, run, print the table, optionally write JSON.
enum LoadCommand {
    static func run(_ arguments: [String]) -> Int32 {
        let commandLine = LoadCommandLine(
            loadFile: { path in Array(try Data(contentsOf: URL(fileURLWithPath: path))) },
            checkJSON: { bytes in (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil }
        )
        let options: LoadOptions
        do {
            options = try commandLine.parse(arguments)
        } catch {
            usageFailure(error.message)
        }

        // A send to a peer that reset must fail with EPIPE, not kill the process
        // (sends use MSG_NOSIGNAL; this covers anything that does not).
        signal(SIGPIPE, SIG_IGN)

        if !options.pinnedCPUs.isEmpty, let problem = CPUAffinity.pin(to: options.pinnedCPUs) {
            FileHandle.standardError.write(Data("ringway-bench: --pin: cannot run on CPUs \(options.pinnedCPUs): \(problem)\n".utf8))
            return 1
        }

        let result: LoadResult
        do {
            let generator = try LoadGenerator(plan: options.plan)
            result = generator.run()
        } catch {
            FileHandle.standardError.write(Data("ringway-bench: load: \(error)\n".utf8))
            return 1
        }

        let report = LoadReport(label: options.label, options: options, result: result)
        print(report.table, terminator: "")
        if let path = options.jsonPath {
            do {
                try Data(report.json.utf8).write(to: URL(fileURLWithPath: path))
            } catch {
                FileHandle.standardError.write(Data("ringway-bench: --json: cannot write '\(path)': \(error)\n".utf8))
                return 1
            }
        }
        return 0
    }
}
