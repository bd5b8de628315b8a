import Foundation

/// Whether a file is a PEM bundle of certificates, checked without a TLS
/// library (the router layer has none): readable, and every
/// `-----BEGIN CERTIFICATE-----` block closed and base64 inside. OpenSSL
/// parses it for real when the pool's TLS context is built; this catches the
/// usual mistakes (wrong path, a key or a DER file) at `ringway check`.
public enum PEMBundleCheck {
    /// A CA bundle is at most a few hundred KiB; this is the wrong file.
    static let maxBytes = 16 << 20
    static let begin = Array("-----BEGIN CERTIFICATE-----".utf8)
    static let end = Array("-----END CERTIFICATE-----".utf8)

    /// nil when the file looks right, else the reason, naming the file.
    public static func problem(path: String) -> String? {
        let quoted = ConfigText.quoted(path)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "cannot read CA file \(quoted): \(String(cString: strerror(errno)))" }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return "cannot read CA file \(quoted): \(String(cString: strerror(errno)))" }
        if info.st_mode & S_IFMT == S_IFDIR { return "CA file \(quoted) is a directory" }
        if info.st_size > maxBytes { return "CA file \(quoted) is \(info.st_size) bytes; expected a PEM bundle" }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return "cannot read CA file \(quoted): \(String(cString: strerror(errno)))"
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return problem(pem: bytes).map { "CA file \(quoted) \($0)" }
    }

    /// The same check over bytes: nil, or what is wrong ("holds no …").
    static func problem(pem bytes: [UInt8]) -> String? {
        var certificates = 0
        var cursor = 0
        while let start = find(begin, in: bytes, from: cursor) {
            certificates += 1
            let bodyStart = start + begin.count
            guard let stop = find(end, in: bytes, from: bodyStart) else {
                return "has certificate \(certificates) without its \"-----END CERTIFICATE-----\" line"
            }
            var symbols = 0
            for b in bytes[bodyStart..<stop] {
                if isBase64(b) {
                    symbols += 1
                } else if b != 0x20 && b != 0x09 && b != 0x0A && b != 0x0D {
                    return "has certificate \(certificates) with a byte that is not base64 (0x\(String(b, radix: 16)))"
                }
            }
            guard symbols >= 4 && symbols % 4 == 0 else {
                return "has certificate \(certificates) whose base64 is cut short (\(symbols) characters)"
            }
            cursor = stop + end.count
        }
        guard certificates > 0 else {
            return "holds no PEM certificate (expected a \"-----BEGIN CERTIFICATE-----\" block)"
        }
        return nil
    }

    private static func isBase64(_ b: UInt8) -> Bool {
        (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || (0x30...0x39).contains(b)
            || b == UInt8(ascii: "+") || b == UInt8(ascii: "/") || b == UInt8(ascii: "=")
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var i = start
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
