/// Fixed byte strings sent from process-lifetime memory, so a queued send can
/// point at them like at any other segment.
enum StaticBytes {
    static let continue100 = make("HTTP/1.1 100 Continue\r\n\r\n")
    /// An SSE comment in its own chunk: clients and load balancers see traffic
    /// while a reasoning model is still thinking; SSE parsers ignore it.
    static let pingChunk = make("8\r\n: ping\n\n\r\n")
    static let pingRaw = make(": ping\n\n")
    static let crlf = make("\r\n")
    static let lastChunk = make("0\r\n\r\n")

    private static func make(_ text: StaticString) -> Segment {
        let p = UnsafeMutableRawPointer.allocate(byteCount: text.utf8CodeUnitCount, alignment: 1)
        p.copyMemory(from: text.utf8Start, byteCount: text.utf8CodeUnitCount)
        return Segment(base: UnsafeRawPointer(p), length: text.utf8CodeUnitCount, bid: -1)
    }
}
