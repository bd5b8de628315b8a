import RingwayHTTP

/// ASCII case-insensitive comparison with a lowercase name (field names are
/// tokens, so folding ASCII letters is exact).
@inline(__always)
func asciiCaseEquals(_ bytes: UnsafeRawBufferPointer, _ lowercase: UnsafeRawBufferPointer) -> Bool {
    guard lowercase.count == bytes.count else { return false }
    for i in 0..<bytes.count {
        let b = bytes[i]
        if (b &- 0x41 < 26 ? b | 0x20 : b) != lowercase[i] { return false }
    }
    return true
}

@inline(__always)
func asciiCaseEquals(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
    lowercase.withUTF8Buffer { asciiCaseEquals(bytes, UnsafeRawBufferPointer($0)) }
}

extension RequestHead {
    /// The value of the first field named `lowercaseName` (any case), as
    /// bytes of `source`; nil when the request has none. A present but empty
    /// value still has a non-nil base address.
    func firstValue(named lowercaseName: UnsafeRawBufferPointer, in source: UnsafeRawBufferPointer)
        -> UnsafeRawBufferPointer?
    {
        for field in headers where Int(field.name.count) == lowercaseName.count {
            let name = UnsafeRawBufferPointer(rebasing: source[Int(field.name.start)..<Int(field.name.end)])
            if asciiCaseEquals(name, lowercaseName) {
                return UnsafeRawBufferPointer(start: source.baseAddress! + Int(field.value.start),
                                              count: Int(field.value.count))
            }
        }
        return nil
    }
}
