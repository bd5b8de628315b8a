/// Runs `body` over a heap copy of `source` in an allocation of exactly its
/// size.
///
/// Inputs reach the parsers through these copies rather than as slices of a
/// larger buffer, so AddressSanitizer reports a read even one byte past the
/// end: a slice of a bigger buffer would let an over-read go unnoticed.
func withExactCopy<R>(of source: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    // An empty input still gets a real allocation, so the parsers see a
    // non-nil base address as they would from a receive.
    let storage = UnsafeMutableRawPointer.allocate(byteCount: max(source.count, 1), alignment: 1)
    defer { storage.deallocate() }
    if let from = source.baseAddress, source.count > 0 {
        storage.copyMemory(from: from, byteCount: source.count)
    }
    return body(UnsafeRawBufferPointer(start: storage, count: source.count))
}

func withExactCopy<R>(of source: UnsafeRawBufferPointer, range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    withExactCopy(of: UnsafeRawBufferPointer(rebasing: source[range]), body)
}

/// Runs `body` with `capacity` bytes of room for a writer.
func withOutputBuffer<R>(capacity: Int, _ body: (UnsafeMutableRawBufferPointer) -> R) -> R {
    let storage = UnsafeMutableRawPointer.allocate(byteCount: max(capacity, 1), alignment: 1)
    defer { storage.deallocate() }
    return body(UnsafeMutableRawBufferPointer(start: storage, count: capacity))
}

/// The first `count` bytes of a writer's output.
func written(_ out: UnsafeMutableRawBufferPointer, _ count: Int) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: out[0..<count])
}

func sameBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    a.count == b.count && a.elementsEqual(b)
}

func sameBytes(_ a: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
    withBytes(literal) { sameBytes(a, $0) }
}

/// Runs `body` over the UTF-8 bytes of a literal.
func withBytes<R>(_ literal: StaticString, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    literal.withUTF8Buffer { body(UnsafeRawBufferPointer($0)) }
}
