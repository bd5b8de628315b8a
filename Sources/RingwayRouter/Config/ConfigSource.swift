/// Turns byte offsets into the line and column an editor shows, once per
/// error rather than while parsing: only failing fields pay for it.
struct ConfigSource: Sendable {
    let bytes: [UInt8]
    /// Offset of the first byte of each line; lines end at LF.
    private let lineStarts: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        lineStarts = starts
    }

    /// 1-based line and column; the column counts Unicode scalars (every
    /// byte that is not a UTF-8 continuation byte), so `é` is one column.
    func position(of offset: Int) -> (line: Int, column: Int) {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let start = lineStarts[low]
        let end = min(offset, bytes.count)
        var column = 1
        if start < end {
            for byte in bytes[start..<end] where byte & 0xC0 != 0x80 { column += 1 }
        }
        return (low + 1, column)
    }

    func error(_ path: String, at offset: Int, _ reason: String) -> ConfigError {
        let (line, column) = position(of: offset)
        return ConfigError(path: path, line: line, column: column, reason: reason)
    }
}
