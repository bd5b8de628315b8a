import Glibc

/// `/bytes` content: byte i of a body is i % 251, so any slice of a body is a
/// slice of this buffer starting at (offset % 251). Built once per process.
enum BytePattern {
    static let piece = 64 * 1024
    nonisolated(unsafe) static let bytes: UnsafeRawPointer = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: piece + 251)
        for i in 0..<(piece + 251) { p[i] = UInt8(i % 251) }
        return UnsafeRawPointer(p)
    }()
}

/// The one embedding the mock returns: 16 float32 values (i + 1) / 64, exact
/// in binary, so the decimal and the base64 forms decode to the same numbers.
enum MockEmbedding {
    static let dimensions = 16
    static let values: [Float] = (0..<dimensions).map { Float($0 + 1) / 64 }

    /// `0.015625,0.03125,…`
    static let decimals: StaticBytes = StaticBytes(values.map { "\($0)" }.joined(separator: ","))

    /// Little-endian float32s in base64, what `encoding_format: "base64"` asks
    /// for (the OpenAI Python SDK asks for it by default).
    static let base64: StaticBytes = {
        var raw: [UInt8] = []
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
        return StaticBytes(base64Encode(raw))
    }()

    static func base64Encode(_ data: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var i = 0
        while i < data.count {
            let b0 = Int(data[i])
            let b1 = i + 1 < data.count ? Int(data[i + 1]) : 0
            let b2 = i + 2 < data.count ? Int(data[i + 2]) : 0
            out.append(alphabet[b0 >> 2])
            out.append(alphabet[(b0 & 3) << 4 | b1 >> 4])
            out.append(i + 1 < data.count ? alphabet[(b1 & 15) << 2 | b2 >> 6] : UInt8(ascii: "="))
            out.append(i + 2 < data.count ? alphabet[b2 & 63] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Bytes built once at start-up and read by every worker.
struct StaticBytes: @unchecked Sendable {
    let base: UnsafeRawPointer
    let count: Int

    init(_ text: String) {
        let utf8 = Array(text.utf8)
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(utf8.count, 1), alignment: 1)
        utf8.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: utf8.count) }
        base = UnsafeRawPointer(p)
        count = utf8.count
    }
}

extension GrowableBytes {
    func append(_ s: StaticBytes) { append(s.base, s.count) }
}

/// CLOCK_REALTIME in nanoseconds: the `mock_sent_ns` stamp the load generator
/// compares with its own receive time (vDSO, no syscall).
@inline(__always) func realtimeNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}
