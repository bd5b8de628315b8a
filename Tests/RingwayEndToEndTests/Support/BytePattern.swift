import Glibc

/// Checks the mock's `/bytes` pattern (byte i = i % 251) piece by piece, without keeping the body.
final class BytePatternVerifier {
    private static let period = 251
    private static let window = 64 * 1024
    /// One window plus one period, so any window-sized slice starts at offset % 251.
    private static let reference: [UInt8] = (0..<(window + period)).map { UInt8($0 % period) }

    private(set) var count = 0
    /// Offset of the first wrong byte, if any.
    private(set) var firstMismatch: Int?

    func consume(_ piece: UnsafeRawBufferPointer) {
        var done = 0
        while done < piece.count && firstMismatch == nil {
            let length = min(piece.count - done, Self.window)
            let phase = count % Self.period
            let equal = Self.reference.withUnsafeBytes {
                memcmp(piece.baseAddress! + done, $0.baseAddress! + phase, length) == 0
            }
            if !equal {
                for i in 0..<length where piece[done + i] != UInt8((count + i) % Self.period) {
                    firstMismatch = count + i
                    break
                }
            }
            count += length
            done += length
        }
    }

    /// `count` bytes of the pattern (for uploads).
    static func bytes(count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            bytes.append(contentsOf: reference[0..<min(period, count - bytes.count)])
        }
        return bytes
    }
}
