/// A Prometheus text exposition read back into series: `name{labels} value`.
/// Enough for `ringway top` (Ringway's own output; no exemplars, no
/// timestamps).
struct PrometheusSample {
    var series: [(name: String, labels: [String: String], value: Double)] = []

    init(_ text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let key = line[..<space]
            if let brace = key.firstIndex(of: "{") {
                series.append((String(key[..<brace]), Self.labels(key[key.index(after: brace)..<key.index(before: key.endIndex)]),
                               value))
            } else {
                series.append((String(key), [:], value))
            }
        }
    }

    /// `a="x",b="y\"z"` -> dictionary (escapes undone).
    static func labels(_ text: Substring) -> [String: String] {
        var out: [String: String] = [:]
        var i = text.startIndex
        while i < text.endIndex {
            guard let equals = text[i...].firstIndex(of: "=") else { break }
            let name = String(text[i..<equals])
            var j = text.index(equals, offsetBy: 2)  // past ="
            var value = ""
            while j < text.endIndex && text[j] != "\"" {
                if text[j] == "\\", text.index(after: j) < text.endIndex {
                    j = text.index(after: j)
                    value.append(text[j] == "n" ? "\n" : text[j])
                } else {
                    value.append(text[j])
                }
                j = text.index(after: j)
            }
            out[name] = value
            i = j < text.endIndex ? text.index(after: j) : j
            if i < text.endIndex && text[i] == "," { i = text.index(after: i) }
        }
        return out
    }

    /// Sum of `name` over series whose labels match `filter`.
    func total(_ name: String, where filter: [String: String] = [:]) -> Double {
        series.reduce(0) { sum, s in
            s.name == name && filter.allSatisfy({ s.labels[$0.key] == $0.value }) ? sum + s.value : sum
        }
    }

    /// Cumulative bucket counts of histogram `name` (summed over its series),
    /// by upper bound, ascending.
    func buckets(_ name: String, where filter: [String: String] = [:]) -> [(le: Double, count: Double)] {
        var byBound: [Double: Double] = [:]
        for s in series where s.name == name + "_bucket" && filter.allSatisfy({ s.labels[$0.key] == $0.value }) {
            guard let le = s.labels["le"].flatMap({ $0 == "+Inf" ? Double.infinity : Double($0) }) else { continue }
            byBound[le, default: 0] += s.value
        }
        return byBound.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// The q-quantile of the observations between two scrapes of a histogram
/// (bucket-count differences, linear inside the bucket, as Prometheus's
/// `histogram_quantile` does); nil when nothing was observed.
func quantile(_ q: Double, now: [(le: Double, count: Double)], before: [(le: Double, count: Double)]) -> Double? {
    var previous: [Double: Double] = [:]
    for b in before { previous[b.le] = b.count }
    let delta = now.map { (le: $0.le, count: $0.count - (previous[$0.le] ?? 0)) }
    guard let total = delta.last?.count, total > 0 else { return nil }
    let rank = q * total
    var lowerBound = 0.0
    var lowerCount = 0.0
    for b in delta {
        if b.count >= rank {
            if b.le.isInfinite { return lowerBound }
            let inBucket = b.count - lowerCount
            return inBucket > 0 ? lowerBound + (b.le - lowerBound) * (rank - lowerCount) / inBucket : b.le
        }
        lowerBound = b.le.isInfinite ? lowerBound : b.le
        lowerCount = b.count
    }
    return lowerBound
}
