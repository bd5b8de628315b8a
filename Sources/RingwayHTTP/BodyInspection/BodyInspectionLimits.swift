/// Bounds on what `RequestBodyInspector` keeps of a body. The buffers that
/// hold captured values are sized from these once, at init, so they also fix
/// the inspector's memory (DESIGN.md, hot-path rule 5: bound everything).
public struct BodyInspectionLimits: Sendable, Equatable {
    /// Containers open at once, the top-level object included. Deeper bodies
    /// are rejected: no OpenAI request nests anywhere near this, and the frame
    /// stack is sized from it.
    public var maxDepth: Int = 64
    /// A longer model name is rejected rather than truncated: routing on a
    /// prefix could send the request to a model it did not name.
    public var maxModelBytes: Int = 256
    /// The `user` value is only a label for logs and rules; longer values are
    /// truncated.
    public var maxUserBytes: Int = 256
    /// How much of the last user message rules may look at; longer messages
    /// are truncated.
    public var lastUserMessageBytes: Int = 4096

    public init() {}

    public init(maxDepth: Int = 64, maxModelBytes: Int = 256, maxUserBytes: Int = 256, lastUserMessageBytes: Int = 4096) {
        self.maxDepth = maxDepth
        self.maxModelBytes = maxModelBytes
        self.maxUserBytes = maxUserBytes
        self.lastUserMessageBytes = lastUserMessageBytes
    }
}
