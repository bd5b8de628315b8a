/// The writers report overflow instead of writing a partial head: short of
/// the length they need they return nil, and given exactly that length they
/// write the same bytes again.
enum WriterFit {
    static func check(
        length: Int, expected: UnsafeRawBufferPointer, seed: Int,
        _ write: (UnsafeMutableRawBufferPointer) -> Int?
    ) {
        withOutputBuffer(capacity: length) { exact in
            let again = write(exact)
            precondition(again == length && sameBytes(written(exact, length), expected),
                         "writer: output differs when given exactly \(length) bytes")
        }
        for short in [length - 1, seed % max(length, 1)] where short >= 0 && short < length {
            withOutputBuffer(capacity: short) { room in
                let result = write(room)
                precondition(result == nil, "writer: wrote \(result ?? -1) bytes into \(short) bytes of room, needs \(length)")
            }
        }
    }
}
