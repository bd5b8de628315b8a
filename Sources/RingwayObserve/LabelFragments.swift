/// Every label value a layout can expose, built once per layout, each also
/// pre-rendered as escaped `name="value"` bytes so a scrape only copies.
struct LabelFragments: Sendable {
    /// Per dimension, per index: the label pairs (two for `route` and
    /// `endpoint`, one otherwise).
    private let pairsByDimension: [MetricDimension: [[LabelPair]]]
    /// Per dimension, per index: the pairs rendered, comma-separated.
    private let bytesByDimension: [MetricDimension: [[UInt8]]]

    struct LabelPair: Sendable {
        var name: String
        var value: String
    }

    init(models: [String], pools: [String], endpoints: [MetricsLayout.Endpoint], keys: [String], priorities: [String]) {
        let none = MetricsLayout.noneLabel
        func single(_ label: String, _ values: [String]) -> [[LabelPair]] {
            values.map { [LabelPair(name: label, value: $0)] }
        }
        let endpointPairs = endpoints.map { [LabelPair(name: "pool", value: pools[$0.pool]), LabelPair(name: "endpoint", value: $0.name)] }
        var pairs: [MetricDimension: [[LabelPair]]] = [:]
        pairs[.model] = single("model", models + [none])
        pairs[.pool] = single("pool", pools + [none])
        pairs[.endpoint] = endpointPairs
        pairs[.route] = endpointPairs
            + (pools + [none]).map { [LabelPair(name: "pool", value: $0), LabelPair(name: "endpoint", value: none)] }
        pairs[.key] = single("key", keys + [MetricsLayout.anonymousKeyLabel])
        pairs[.priority] = single("priority", priorities + [none])
        pairs[.code] = single("code", StatusCodeLabel.values)
        pairsByDimension = pairs
        bytesByDimension = pairs.mapValues { values in
            values.map { labelPairs in
                var bytes: [UInt8] = []
                for (i, pair) in labelPairs.enumerated() {
                    if i > 0 { bytes.append(UInt8(ascii: ",")) }
                    bytes += pair.name.utf8
                    bytes += #"=""#.utf8
                    ExpositionBuffer.appendEscapedLabelValue(pair.value, to: &bytes)
                    bytes.append(UInt8(ascii: "\""))
                }
                return bytes
            }
        }
    }

    func pairs(_ dimension: MetricDimension, _ index: Int) -> [(String, String)] {
        pairsByDimension[dimension]![index].map { ($0.name, $0.value) }
    }

    /// The rendered fragments of a dimension, by index.
    func bytes(_ dimension: MetricDimension) -> [[UInt8]] {
        bytesByDimension[dimension]!
    }
}
