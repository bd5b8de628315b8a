/// What a probe request got back: the status and the whole body, already
/// de-chunked. Bodies are small (a health reply, a metrics page).
public struct ProbeResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}
