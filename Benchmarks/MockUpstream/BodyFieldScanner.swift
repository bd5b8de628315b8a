/// What the mock needs from an OpenAI request body, found by one forward byte
/// scan instead of a JSON parse (DESIGN.md, hot-path rule 4).
///
/// The scan skips string contents (so a prompt that mentions `"stream": true`
/// changes nothing) and tracks nesting depth, so only the top-level `model`,
/// `stream`, `encoding_format` and the `include_usage` inside the top-level
/// `stream_options` object count. It is not a validator: a body that is not
/// JSON gives whatever it gives, except that one not starting with `{` is
/// reported so the mock can answer 400 like the fixture.
struct BodyFields {
    var stream = false
    var includeUsage = false
    var base64Embeddings = false
    /// The `model` string's raw bytes (JSON escapes kept), as offsets into
    /// the scanned bytes; `modelCount < 0` when absent.
    var modelStart = 0
    var modelCount = -1
    var isObject = true
}

enum BodyFieldScanner {
    static func scan(_ p: UnsafeRawPointer, count n: Int) -> BodyFields {
        var fields = BodyFields()
        var i = skipWhitespace(p, 0, n)
        guard i < n else { return fields }  // empty body: the fixture reads it as {}
        guard p.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: "{") else {
            fields.isObject = false
            return fields
        }
        var depth = 0
        var streamOptionsDepth = -1
        var pendingStreamOptions = false
        while i < n {
            let b = p.load(fromByteOffset: i, as: UInt8.self)
            switch b {
            case UInt8(ascii: "\""):
                let start = i &+ 1
                guard let end = stringEnd(p, start, n) else { return fields }
                i = end &+ 1
                let colon = skipWhitespace(p, i, n)
                guard colon < n, p.load(fromByteOffset: colon, as: UInt8.self) == UInt8(ascii: ":") else { continue }
                let value = skipWhitespace(p, colon &+ 1, n)
                let key = UnsafeRawBufferPointer(start: p + start, count: end &- start)
                if depth == 1 {
                    if equals(key, "model") {
                        if value < n, p.load(fromByteOffset: value, as: UInt8.self) == UInt8(ascii: "\""),
                           let close = stringEnd(p, value &+ 1, n) {
                            fields.modelStart = value &+ 1
                            fields.modelCount = close &- value &- 1
                            i = close &+ 1
                            continue
                        }
                    } else if equals(key, "stream") {
                        fields.stream = isTrue(p, value, n)
                    } else if equals(key, "stream_options") {
                        pendingStreamOptions = true
                    } else if equals(key, "encoding_format") {
                        fields.base64Embeddings = hasLiteral(p, value, n, "\"base64\"")
                    }
                } else if depth == streamOptionsDepth && equals(key, "include_usage") {
                    fields.includeUsage = isTrue(p, value, n)
                }
                i = value
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth &+= 1
                if pendingStreamOptions {
                    pendingStreamOptions = false
                    if b == UInt8(ascii: "{") && depth == 2 { streamOptionsDepth = depth }
                }
                i &+= 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == streamOptionsDepth { streamOptionsDepth = -1 }
                depth &-= 1
                i &+= 1
            default:
                // `"stream_options": null` and the like: the next value is
                // not an object, so nothing is pending any more.
                if pendingStreamOptions && b > 0x20 && b != UInt8(ascii: ":") { pendingStreamOptions = false }
                i &+= 1
            }
        }
        return fields
    }

    /// Offset of the quote that closes a string whose content starts at `i`.
    @inline(__always)
    static func stringEnd(_ p: UnsafeRawPointer, _ start: Int, _ n: Int) -> Int? {
        var i = start
        while i < n {
            let b = p.load(fromByteOffset: i, as: UInt8.self)
            if b == UInt8(ascii: "\"") { return i }
            i &+= b == UInt8(ascii: "\\") ? 2 : 1
        }
        return nil
    }

    @inline(__always)
    static func skipWhitespace(_ p: UnsafeRawPointer, _ start: Int, _ n: Int) -> Int {
        var i = start
        while i < n {
            let b = p.load(fromByteOffset: i, as: UInt8.self)
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { break }
            i &+= 1
        }
        return i
    }

    static func isTrue(_ p: UnsafeRawPointer, _ i: Int, _ n: Int) -> Bool { hasLiteral(p, i, n, "true") }

    static func hasLiteral(_ p: UnsafeRawPointer, _ i: Int, _ n: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard n &- i >= count else { return false }
        return memcmp(p + i, literal.utf8Start, count) == 0
    }

    static func equals(_ key: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        key.count == literal.utf8CodeUnitCount && memcmp(key.baseAddress!, literal.utf8Start, key.count) == 0
    }
}

#if canImport(Glibc)
import Glibc
#endif
