/// Why a set of names cannot become a metrics layout. The messages name the
/// dimension and the value, for the config reload error they end up in.
public enum MetricsLayoutError: Error, Equatable, CustomStringConvertible {
    case duplicateName(dimension: String, name: String)
    case reservedName(dimension: String, name: String)
    case endpointPoolOutOfRange(endpoint: String, pool: Int, pools: Int)
    case tooManyCells(cells: Int, limit: Int)

    public var description: String {
        switch self {
        case let .duplicateName(dimension, name):
            "metrics: \(dimension) name \"\(name)\" appears twice; each would expose the same series"
        case let .reservedName(dimension, name):
            "metrics: \(dimension) name \"\(name)\" is reserved for requests without a \(dimension); rename it"
        case let .endpointPoolOutOfRange(endpoint, pool, pools):
            "metrics: endpoint \"\(endpoint)\" belongs to pool index \(pool), but there are \(pools) pools"
        case let .tooManyCells(cells, limit):
            "metrics: the configured names need \(cells) cells per worker, more than the limit of \(limit);"
                + " fewer models, endpoints or keys would fit"
        }
    }
}
