/// Header maps in the file (`pools.*.headers`, `rules[*].match.header`):
/// an object of field name -> value. Names are lowercased (HTTP field names
/// are case-insensitive, and the proxy compares lowercase bytes), so two
/// spellings of one name are a duplicate.
enum HeaderFieldsDecoding {
    struct Field {
        var name: String
        var value: String
        var path: String
        var valueNode: ConfigJSON
    }

    static func decode(_ node: ConfigJSON, _ path: String, _ decoder: ConfigDecoder) -> [Field] {
        guard let members = decoder.entries(node, path, expected: "an object of header name -> value") else { return [] }
        var fields: [Field] = []
        var seen: [String: String] = [:]
        for member in members {
            let fieldPath = ConfigPath.member(path, member.key)
            let name = member.key.lowercased()
            guard ConfigSyntax.isHeaderName(member.key) else {
                decoder.report(fieldPath, at: member.keyOffset,
                               "\(ConfigText.quoted(member.key)) is not a valid header name (RFC 9110 token characters only)")
                continue
            }
            if let first = seen[name] {
                decoder.report(fieldPath, at: member.keyOffset,
                               "header \(ConfigText.quoted(name)) is already set as \(ConfigText.quoted(first)) (header names ignore case)")
                continue
            }
            seen[name] = member.key
            guard let value = decoder.string(member.value, fieldPath) else { continue }
            guard ConfigSyntax.isHeaderValue(value) else {
                // The value is not echoed: after ${ENV} substitution it may be a secret.
                decoder.report(fieldPath, at: member.value.offset, "header value contains CR, LF or NUL")
                continue
            }
            fields.append(Field(name: name, value: value, path: fieldPath, valueNode: member.value))
        }
        return fields
    }

    /// Fields the proxy owns on the upstream request; a configured value
    /// would break framing or connection management.
    static func reservedReason(_ name: String) -> String? {
        switch name {
        case "host": return "set the Host header with the pool's \"host\" field"
        case "content-length", "transfer-encoding":
            return "\(ConfigText.quoted(name)) is framing; Ringway sets it from the request body"
        case "connection", "keep-alive", "te", "trailer", "upgrade", "proxy-connection":
            return "\(ConfigText.quoted(name)) is a hop-by-hop field; Ringway manages it"
        default: return nil
        }
    }
}
