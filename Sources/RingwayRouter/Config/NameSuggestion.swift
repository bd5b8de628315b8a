/// "Did you mean …?" for misspelt field and reference names: the closest
/// candidate within two edits (insert, delete, substitute, or swap two
/// neighbours, so `stratgy` and `startegy` both find `strategy`).
enum NameSuggestion {
    static let maxDistance = 2

    static func closest(to name: String, among candidates: [String]) -> String? {
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let d = distance(name, candidate)
            if d <= maxDistance, d < (best?.distance ?? .max) { best = (candidate, d) }
        }
        return best?.name
    }

    /// ` (did you mean "x"?)` or the empty string.
    static func hint(for name: String, among candidates: [String]) -> String {
        guard let match = closest(to: name, among: candidates) else { return "" }
        return " (did you mean \(ConfigText.quoted(match))?)"
    }

    /// Optimal string alignment distance over Unicode scalars.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { table[i][0] = i }
        for j in 0...y.count { table[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var d = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d = min(d, table[i - 2][j - 2] + 1)
                }
                table[i][j] = d
            }
        }
        return table[x.count][y.count]
    }
}
