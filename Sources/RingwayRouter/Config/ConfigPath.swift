/// How errors name a place in the document: `pools.vllm.endpoints[1].url`.
/// Decoding, the source map and validation all build paths here so that the
/// same field always has the same spelling.
enum ConfigPath {
    /// `parent.key`, or `parent["key"]` when the key holds characters that
    /// would make the dotted form ambiguous (a `.` in a model name, spaces).
    static func member(_ parent: String, _ key: String) -> String {
        if isPlain(key) { return parent.isEmpty ? key : parent + "." + key }
        return parent + "[" + ConfigText.quoted(key) + "]"
    }

    static func index(_ parent: String, _ index: Int) -> String {
        parent + "[\(index)]"
    }

    /// True when `path` is `ancestor` itself or lies inside it.
    static func isWithin(_ path: String, _ ancestor: String) -> Bool {
        if ancestor.isEmpty || path == ancestor { return true }
        guard path.hasPrefix(ancestor) else { return false }
        let next = path.utf8[path.utf8.index(path.utf8.startIndex, offsetBy: ancestor.utf8.count)]
        return next == UInt8(ascii: ".") || next == UInt8(ascii: "[")
    }

    private static func isPlain(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"),
                UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "@"):
                return true
            default:
                return false
            }
        }
    }
}
