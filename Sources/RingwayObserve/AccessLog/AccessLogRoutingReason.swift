/// Why the router sent a request where it went; the `reason` field of a line.
public enum AccessLogRoutingReason: UInt8, Sendable, CaseIterable, BitwiseCopyable {
    /// A configured rule matched.
    case rule
    /// The model named in the body was found in the catalog.
    case catalog
    /// Nothing matched; the configured default target took it.
    case `default`
    /// A weighted split chose the target.
    case split
    /// An earlier choice failed and a fallback model served it.
    case fallback
    /// The `cheapest` strategy chose among candidates.
    case cheapest
    /// A passthrough route: forwarded to a pool without model routing.
    case passthrough
    /// An external routing sidecar decided.
    case sidecar

    /// The JSON string written for it, quotes included.
    @usableFromInline
    var quoted: StaticString {
        switch self {
        case .rule: return "\"rule\""
        case .catalog: return "\"catalog\""
        case .default: return "\"default\""
        case .split: return "\"split\""
        case .fallback: return "\"fallback\""
        case .cheapest: return "\"cheapest\""
        case .passthrough: return "\"passthrough\""
        case .sidecar: return "\"sidecar\""
        }
    }
}
