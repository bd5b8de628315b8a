/// What the rules may look at in one request, as byte ranges into the
/// proxy's own buffers (nothing is copied; the facts live only as long as
/// the call to `CompiledRules.firstMatch`). An empty buffer means absent.
public struct RequestFacts {
    public var path: UnsafeRawBufferPointer
    /// The `"model"` of the body, as sent.
    public var requestedModel: UnsafeRawBufferPointer
    /// The name (not the secret) of the client's API key.
    public var keyName: UnsafeRawBufferPointer
    public var tenant: UnsafeRawBufferPointer
    /// The text of the last message with role `user`.
    public var lastUserMessage: UnsafeRawBufferPointer
    /// One entry per `CompiledRules.referencedHeaders`, in that order: the
    /// field's value, or a buffer with a nil base address when the request
    /// has no such field (an empty value with a base address is present).
    public var headerValues: UnsafeBufferPointer<UnsafeRawBufferPointer>
    public var promptTokens: Int
    public var hasTools: Bool
    public var hasImages: Bool

    public init(path: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                requestedModel: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                keyName: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                tenant: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                lastUserMessage: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                headerValues: UnsafeBufferPointer<UnsafeRawBufferPointer> = UnsafeBufferPointer(start: nil, count: 0),
                promptTokens: Int = 0, hasTools: Bool = false, hasImages: Bool = false) {
        self.path = path
        self.requestedModel = requestedModel
        self.keyName = keyName
        self.tenant = tenant
        self.lastUserMessage = lastUserMessage
        self.headerValues = headerValues
        self.promptTokens = promptTokens
        self.hasTools = hasTools
        self.hasImages = hasImages
    }
}
