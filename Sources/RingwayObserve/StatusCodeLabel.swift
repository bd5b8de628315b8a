/// The closed set of values of the `code` label.
///
/// Exact codes for the answers an operator acts on differently (auth,
/// limits, client gone, upstream down), a class for every other code in
/// 200–599, and `other` for anything else, so a misbehaving upstream that
/// invents codes cannot add series.
public enum StatusCodeLabel {
    /// Label values, by index.
    public static let values: [String] = [
        "2xx", "3xx", "4xx", "5xx",
        "400", "401", "404", "408", "413", "429", "499",
        "500", "502", "503", "504",
        "other",
    ]

    /// `values.count`, as an inlinable literal so the hot path multiplies by
    /// a constant instead of calling a global's lazy-initialising addressor.
    @inlinable public static var count: Int { 16 }

    /// The label index of an HTTP status code. 499 is nginx's "client
    /// closed request": the client went away before the response was sent.
    @inlinable
    public static func index(of statusCode: Int) -> Int {
        switch statusCode {
        case 400: return 4
        case 401: return 5
        case 404: return 6
        case 408: return 7
        case 413: return 8
        case 429: return 9
        case 499: return 10
        case 500: return 11
        case 502: return 12
        case 503: return 13
        case 504: return 14
        case 200..<300: return 0
        case 300..<400: return 1
        case 400..<500: return 2
        case 500..<600: return 3
        default: return 15
        }
    }
}
