#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The `--json FILE` report, for scripts that track figures across commits.
///
///     {"tool":"ringway-microbench","rounds":15,"round_ms":20,"benchmarks":[
///       {"name":"request-head-parse","operation":"...","iterations_per_round":61234,
///        "median_ns":310.2,"min_ns":301.9,"max_ns":355.0,"bytes_per_op":400,"gb_per_s":1.29}, ...]}
enum ResultJSON {
    static func render(_ results: [BenchmarkResult], rounds: Int, roundMilliseconds: Int) -> String {
        var entries: [String] = []
        for result in results {
            var fields = [
                "\"name\":\(quoted(result.benchmark.name))",
                "\"operation\":\(quoted(result.benchmark.unit))",
                "\"iterations_per_round\":\(result.iterationsPerRound)",
                "\"median_ns\":\(Decimal.format(result.median, digits: 3))",
                "\"min_ns\":\(Decimal.format(result.minimum, digits: 3))",
                "\"max_ns\":\(Decimal.format(result.maximum, digits: 3))",
                "\"bytes_per_op\":\(result.benchmark.bytesPerOperation)",
            ]
            if let rate = result.gigabytesPerSecond { fields.append("\"gb_per_s\":\(Decimal.format(rate, digits: 4))") }
            entries.append("    {" + fields.joined(separator: ",") + "}")
        }
        return "{\"tool\":\"ringway-microbench\",\"rounds\":\(rounds),\"round_ms\":\(roundMilliseconds),\"benchmarks\":[\n"
            + entries.joined(separator: ",\n") + "\n]}\n"
    }

    /// Names and descriptions are ASCII chosen here; escape only what they could hold.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for character in text {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out.append(character)
            }
        }
        return out + "\""
    }

    static func write(_ text: String, to path: String) -> Bool {
        guard let file = fopen(path, "w") else { return false }
        var copy = text
        let ok = copy.withUTF8 { fwrite($0.baseAddress, 1, $0.count, file) == $0.count }
        return fclose(file) == 0 && ok
    }
}
