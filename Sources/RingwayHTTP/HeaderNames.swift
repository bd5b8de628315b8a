/// Case-insensitive recognition of the field names Ringway acts on
/// (field names are case-insensitive, RFC 9110 §5.1).
///
/// Dispatch on the length first, so almost every unknown name is rejected by a
/// single integer compare and known names cost one short byte compare.
@usableFromInline
enum HeaderNames {
    @inlinable
    static func classify(_ name: UnsafeRawPointer, count: Int) -> HeaderKind {
        switch count {
        case 2:
            return matches(name, count, "te") ? .te : .other
        case 4:
            return matches(name, count, "host") ? .host : .other
        case 6:
            return matches(name, count, "expect") ? .expect : .other
        case 7:
            if matches(name, count, "upgrade") { return .upgrade }
            if matches(name, count, "trailer") { return .trailer }
            return .other
        case 10:
            if matches(name, count, "connection") { return .connection }
            if matches(name, count, "keep-alive") { return .keepAlive }
            return .other
        case 12:
            if matches(name, count, "content-type") { return .contentType }
            if matches(name, count, "x-request-id") { return .xRequestID }
            return .other
        case 14:
            return matches(name, count, "content-length") ? .contentLength : .other
        case 15:
            return matches(name, count, "x-forwarded-for") ? .xForwardedFor : .other
        case 16:
            return matches(name, count, "proxy-connection") ? .proxyConnection : .other
        case 17:
            if matches(name, count, "transfer-encoding") { return .transferEncoding }
            if matches(name, count, "x-forwarded-proto") { return .xForwardedProto }
            return .other
        default:
            return .other
        }
    }

    /// `bytes` equals `lowercase` ignoring ASCII case. `lowercase` must be
    /// lowercase letters, digits and '-' only: then OR-ing 0x20 into the input
    /// byte is an exact case fold, because the only other bytes that fold onto
    /// those (CR onto '-', 0x10-0x19 onto digits) are never in a token, and the
    /// inputs compared here are tokens.
    @inlinable @inline(__always)
    static func matches(_ bytes: UnsafeRawPointer, _ count: Int, _ lowercase: StaticString) -> Bool {
        lowercase.withUTF8Buffer { expected in
            guard expected.count == count else { return false }
            var i = 0
            while i < count {
                if bytes.load(fromByteOffset: i, as: UInt8.self) | 0x20 != expected[i] { return false }
                i &+= 1
            }
            return true
        }
    }

    /// Two arbitrary tokens equal ignoring ASCII case (for names a Connection
    /// header lists, which can contain '^' and '~' that differ only in bit 0x20).
    @inlinable
    static func equalIgnoringCase(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
        var i = 0
        while i < count {
            let x = a.load(fromByteOffset: i, as: UInt8.self)
            let y = b.load(fromByteOffset: i, as: UInt8.self)
            if x != y && ByteClass.lowercased(x) != ByteClass.lowercased(y) { return false }
            i &+= 1
        }
        return true
    }

    /// A field value equals `lowercase` ignoring ASCII case; unlike `matches`
    /// the value may hold any byte, so fold properly.
    @inlinable
    static func valueEquals(_ bytes: UnsafeRawPointer, _ count: Int, _ lowercase: StaticString) -> Bool {
        lowercase.withUTF8Buffer { expected in
            guard expected.count == count else { return false }
            var i = 0
            while i < count {
                if ByteClass.lowercased(bytes.load(fromByteOffset: i, as: UInt8.self)) != expected[i] { return false }
                i &+= 1
            }
            return true
        }
    }
}
