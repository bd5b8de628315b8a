#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// ringway-microbench: the cost of the hot-path components in isolation, to
/// see what a change does to them before a load test does (DESIGN.md,
/// hot-path rule 8). Build it in release: tools/microbench.sh.
@main
enum Microbench {
    static func main() {
        let options: MicrobenchOptions
        do {
            options = try MicrobenchOptions(Array(CommandLine.arguments.dropFirst()))
        } catch {
            print(error)
            exit(error.isHelp ? 0 : 2)
        }

        var benchmarks = BenchmarkSuite.make()
        if let filter = options.filter { benchmarks = benchmarks.filter { $0.name.contains(filter) } }
        if options.listOnly {
            for benchmark in benchmarks { print("\(benchmark.name)  (\(benchmark.unit))") }
            return
        }
        if benchmarks.isEmpty {
            print("ringway-microbench: no benchmark matches '\(options.filter ?? "")'")
            exit(2)
        }

        let runner = BenchmarkRunner(rounds: options.rounds, roundNanoseconds: UInt64(options.roundMilliseconds) * 1_000_000)
        let table = ResultTable()
        table.printHeader(rounds: options.rounds, roundMilliseconds: options.roundMilliseconds)
        var results: [BenchmarkResult] = []
        for benchmark in benchmarks {
            let result = runner.measure(benchmark)
            table.printRow(result)
            results.append(result)
        }
        if let path = options.jsonPath {
            let json = ResultJSON.render(results, rounds: options.rounds, roundMilliseconds: options.roundMilliseconds)
            guard ResultJSON.write(json, to: path) else {
                print("ringway-microbench: cannot write \(path): \(String(cString: strerror(errno)))")
                exit(1)
            }
            print("wrote \(path)")
        }
    }
}

extension MicrobenchOptions.ParseError {
    var isHelp: Bool {
        if case .help = self { return true }
        return false
    }
}
