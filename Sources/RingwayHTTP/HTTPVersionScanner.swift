/// Scans `HTTP-version = HTTP-name "/" DIGIT "." DIGIT` (RFC 9112 §2.3).
/// HTTP-name is case-sensitive, so "http/1.1" is malformed, not a variant.
@usableFromInline
enum HTTPVersionScanner {
    @usableFromInline
    enum Version {
        /// `isHTTP11` is meaningful only when `isSupported`; the scan ends at `next`.
        case version(isSupported: Bool, isHTTP11: Bool, next: Int)
        case incomplete
        case failure(HTTPParseError)
    }

    @inlinable
    static func scan(_ base: UnsafeRawPointer, at start: Int, end: Int) -> Version {
        // Compare what has arrived so far, so garbage fails before the line ends.
        let matched: Bool = (("HTTP/" as StaticString)).withUTF8Buffer { name in
            var k = 0
            while k < name.count && start &+ k < end {
                if base.load(fromByteOffset: start &+ k, as: UInt8.self) != name[k] { return false }
                k &+= 1
            }
            return true
        }
        guard matched else { return .failure(.invalidVersion) }
        guard end &- start >= 8 else {
            // Check the digits that are already here.
            var k = 5
            while start &+ k < end {
                let b = base.load(fromByteOffset: start &+ k, as: UInt8.self)
                let ok = k == 6 ? b == UInt8(ascii: ".") : ByteClass.isDigit(b)
                if !ok { return .failure(.invalidVersion) }
                k &+= 1
            }
            return .incomplete
        }
        let major = base.load(fromByteOffset: start &+ 5, as: UInt8.self)
        let dot = base.load(fromByteOffset: start &+ 6, as: UInt8.self)
        let minor = base.load(fromByteOffset: start &+ 7, as: UInt8.self)
        guard ByteClass.isDigit(major), dot == UInt8(ascii: "."), ByteClass.isDigit(minor) else {
            return .failure(.invalidVersion)
        }
        let isOne = major == UInt8(ascii: "1")
        let supported = isOne && (minor == UInt8(ascii: "1") || minor == UInt8(ascii: "0"))
        return .version(isSupported: supported, isHTTP11: minor == UInt8(ascii: "1"), next: start &+ 8)
    }
}
