/// `"routes"`: which request paths are routed by model, passed through to a
/// pool, or answered from the catalog.
extension RouteConfig {
    static let fieldNames = ["path", "prefix", "to", "pool"]

    /// The file's routes in order, then each default route whose path the
    /// file does not already list (so a file only states its exceptions).
    static func decodeList(_ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder) -> [RouteConfig] {
        guard let elements = decoder.array(node, path) else { return defaults }
        var routes = elements.enumerated().map { index, element in
            decode(element, ConfigPath.index(path, index), decoder)
        }
        let listed = Set(routes.map(\.path))
        routes += defaults.filter { !listed.contains($0.path) }
        return routes
    }

    /// A broken route still takes its place in the list (with an empty
    /// path), so that `routes[i]` in later messages means the file's `i`.
    private static func decode(_ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder) -> RouteConfig {
        var route = RouteConfig(path: "", isPrefix: false, kind: .model)
        guard let object = decoder.object(node, path, fields: fieldNames) else { return route }
        switch (object["path"], object["prefix"]) {
        case (nil, nil):
            decoder.report(path, at: node.offset, "a route needs \"path\" (exact match) or \"prefix\"")
        case (.some, .some):
            object.report("prefix", "a route has \"path\" or \"prefix\", not both")
        case (let exact, let prefix):
            let key = exact != nil ? "path" : "prefix"
            if let text = object.string(key) {
                if ConfigSyntax.isRequestPath(text) {
                    route.path = text
                    route.isPrefix = prefix != nil
                } else {
                    object.report(key, "expected a request path starting with '/', got \(ConfigText.quoted(text))")
                }
            }
        }
        switch (object["to"], object["pool"]) {
        case (nil, nil):
            decoder.report(path, at: node.offset, "a route needs \"to\": \"model\" or \"catalog\", or a \"pool\" to pass through to")
        case (.some, .some):
            object.report("pool", "a route has \"to\" or \"pool\", not both (a \"pool\" route passes requests through untouched)")
        case (.some, nil):
            let kinds: [(String, RouteKind)] = [("model", .model), ("catalog", .modelList)]
            if let kind = object.choice("to", kinds) { route.kind = kind }
        case (nil, .some):
            if let pool = object.nonEmptyString("pool") { route.kind = .passthrough(pool: pool) }
        }
        return route
    }
}
