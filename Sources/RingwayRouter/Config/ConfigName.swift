/// The rule every name in the file follows (pools, models and aliases, keys,
/// rules, splits): printable, no spaces or quotes, short enough for a metric
/// label or an `x-ringway-route` header.
enum ConfigName {
    static func check(_ name: String, _ path: String, at offset: Int, _ decoder: ConfigDecoder, what: String) {
        if name.isEmpty {
            decoder.report(path, at: offset, "\(what) name must not be empty")
        } else if name.utf8.count > ConfigLimits.nameBytes {
            decoder.report(path, at: offset, "\(what) name is longer than \(ConfigLimits.nameBytes) bytes")
        } else if name.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "\"" || $0 == "\\" }) {
            decoder.report(
                path, at: offset,
                "\(what) name \(ConfigText.quoted(name)) may not contain spaces, control characters, '\"' or '\\'")
        }
    }
}
