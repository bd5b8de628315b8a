/// The plain-text report: one row per benchmark, figures right-aligned.
struct ResultTable {
    let columns = [("benchmark", 24), ("median ns/op", 13), ("min", 11), ("max", 11), ("GB/s", 7)]

    func printHeader(rounds: Int, roundMilliseconds: Int) {
        print("median of \(rounds) rounds of ~\(roundMilliseconds) ms each; CLOCK_MONOTONIC")
        print(row(columns.map { $0.0 }) + "  operation")
        print(String(repeating: "-", count: columns.reduce(0) { $0 + $1.1 + 2 } + 30))
    }

    func printRow(_ result: BenchmarkResult) {
        let cells = [
            result.benchmark.name,
            Decimal.format(result.median, digits: 1),
            Decimal.format(result.minimum, digits: 1),
            Decimal.format(result.maximum, digits: 1),
            result.gigabytesPerSecond.map { Decimal.format($0, digits: 2) } ?? "-",
        ]
        print(row(cells) + "  " + result.benchmark.unit)
    }

    func row(_ cells: [String]) -> String {
        var line = ""
        for (index, cell) in cells.enumerated() {
            let width = columns[index].1
            let padding = String(repeating: " ", count: max(0, width - cell.count))
            line += index == 0 ? cell + padding : "  " + padding + cell
        }
        return line
    }
}

/// Fixed-point text for a non-negative figure, without Foundation.
enum Decimal {
    static func format(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "nan" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return "\(value)" }
        let units = Int(scaled)
        let whole = units / Int(scale)
        var text = (value < 0 ? "-" : "") + String(whole)
        if digits > 0 {
            let fraction = String(units % Int(scale))
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }
}
