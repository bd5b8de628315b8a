/// JSON string literals built at configuration time (a model name spliced
/// into request bodies, names in a pre-rendered catalog).
public enum JSONQuoting {
    /// `"…"` with the escapes RFC 8259 requires.
    public static func quoted(_ text: String) -> [UInt8] {
        var utf8 = Array(text.utf8)
        return utf8.withUnsafeMutableBytes { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            let n = JSONStringEscaper.escapedCount(raw) + 2
            return [UInt8](unsafeUninitializedCapacity: n) { out, count in
                var w = ByteWriter(UnsafeMutableRawBufferPointer(out))
                w.append(byte: UInt8(ascii: "\""))
                JSONStringEscaper.append(raw, to: &w)
                w.append(byte: UInt8(ascii: "\""))
                count = w.result ?? 0
            }
        }
    }
}
