/// One forward pass over an OpenAI-style JSON request body, slice by slice as
/// it is received, that validates it strictly (RFC 8259) and notes what
/// routing and rules need (`RequestBodySummary`), without building a tree
/// and without copying the body (DESIGN.md, hot-path rule 4).
///
/// One inspector per client connection, reused for every request on it:
///
///     inspector.reset(prefixBytes: 2048)
///     for slice in body { if case .failure(let e) = inspector.feed(slice) { answer 400 } }
///     inspector.finish()      // .complete, or .failure for a truncated body
///     inspector.summary       // pointers valid until the next reset/feed
///
/// A slice may end anywhere (inside a key, an escape, a UTF-8 sequence, a
/// number): every piece of state is a stored property, and the result is the
/// same for every way the body is cut. Nothing is allocated after init; the
/// captured values live in `scratch`.
///
/// The grammar lives in `+Feed` (the state machine), `+Strings`, `+Numbers`
/// and `+Containers`; what values mean lives in `+Fields`.
public final class RequestBodyInspector {
    let limits: BodyInspectionLimits
    let scratch: InspectorScratch

    // MARK: grammar

    var state = JSONScanState.documentStart
    /// Body bytes in the slices before the current one.
    var consumed: Int64 = 0
    /// Open containers; `frame` is the innermost, `scratch.frames[depth - 1]`.
    var depth = 0
    var frame = Frame.none
    var failure: BodyInspectionError?

    // MARK: the value being scanned

    var valueField = ValueField.none
    var valueFlags = ContextFlags()
    /// Meaning of the current top-level member, kept while its value nests.
    var topField = ValueField.none
    var topValueStart: Int64 = 0

    // MARK: the string being scanned

    var stringIsKey = false
    var stringCounted = false
    /// Offset of the opening quote.
    var stringStart: Int64 = 0
    /// Slice index where the not-yet-hashed part of a counted string starts.
    var hashFrom = 0
    /// Slice index where the not-yet-captured raw part of a string starts
    /// (raw bytes are captured lazily, in runs; escapes are decoded one by one).
    var captureFrom = 0
    var sink = CaptureSink.none
    var sinkBase: UnsafeMutablePointer<UInt8>
    var sinkCapacity = 0
    var sinkLength = 0
    var sinkTruncated = false
    var unicodeDigits = 0
    var unicodeValue: UInt32 = 0
    /// A \uD800-\uDBFF escape waiting for its low half; 0 when none.
    var pendingHighSurrogate: UInt32 = 0
    var utf8Remaining: UInt8 = 0
    var utf8Low: UInt8 = 0x80
    var utf8High: UInt8 = 0xBF

    // MARK: numbers and literals

    var numberCapturing = false
    var numberNegative = false
    var numberIsInteger = true
    var numberMagnitude: UInt64 = 0
    var literalText: StaticString = "null"
    var literalIndex = 0

    // MARK: findings

    var seenModel = false
    var seenStream = false
    var modelLength: Int?
    var modelTokenRange: Range<Int64>?
    var stream = false
    var streamOptionsRange: Range<Int64>?
    var includeUsage: Bool?
    var includeUsageRange: Range<Int64>?
    /// -1 unless `stream_options` is an object.
    var streamOptionsMembers = -1
    var streamOptionsIsNull = false
    var maxTokens: Int64?
    var maxCompletionTokens: Int64?
    var maxOutputTokens: Int64?
    var userLength: Int?
    var contentBytes = 0
    var hasTools = false
    var hasImages = false
    var hasher = PrefixHasher(budget: 0)
    var topLevelEnd: Int64 = 0
    var topLevelIsEmpty = false

    // MARK: messages

    /// Which of `scratch.texts` holds the committed last user message.
    var lastUserIndex = 0
    var lastUserLength = 0
    /// The other text buffer: the current message's text.
    var workLength = 0
    var workTruncated = false
    var messageRole = MessageRole.unknown
    var messageHasText = false

    public init(limits: BodyInspectionLimits = BodyInspectionLimits()) {
        precondition(limits.maxDepth >= 1, "maxDepth must allow the top-level object")
        self.limits = limits
        scratch = InspectorScratch(limits: limits)
        sinkBase = scratch.key
        reset(prefixBytes: 0)
    }

    deinit {
        scratch.deallocate()
    }

    /// Starts a new body. `prefixBytes` is how much content feeds `prefixHash`.
    public func reset(prefixBytes: Int) {
        state = .documentStart
        consumed = 0
        depth = 0
        frame = .none
        failure = nil
        valueField = .none
        valueFlags = []
        topField = .none
        topValueStart = 0
        stringIsKey = false
        stringCounted = false
        sink = .none
        pendingHighSurrogate = 0
        numberCapturing = false
        seenModel = false
        seenStream = false
        modelLength = nil
        modelTokenRange = nil
        stream = false
        streamOptionsRange = nil
        includeUsage = nil
        includeUsageRange = nil
        streamOptionsMembers = -1
        streamOptionsIsNull = false
        maxTokens = nil
        maxCompletionTokens = nil
        maxOutputTokens = nil
        userLength = nil
        contentBytes = 0
        hasTools = false
        hasImages = false
        hasher = PrefixHasher(budget: prefixBytes)
        topLevelEnd = 0
        topLevelIsEmpty = false
        lastUserIndex = 0
        lastUserLength = 0
        workLength = 0
        workTruncated = false
        messageRole = .unknown
        messageHasText = false
    }

    /// The body has ended: `.complete` if it was one whole valid object.
    public func finish() -> BodyInspectionStep {
        if let failure { return .failure(failure) }
        switch state {
        case .documentEnd:
            return .complete
        case .documentStart:
            return fail(.notAnObject(at: consumed))
        default:
            return fail(.truncated(at: consumed))
        }
    }

    @discardableResult
    func fail(_ error: BodyInspectionError) -> BodyInspectionStep {
        failure = error
        state = .failed
        return .failure(error)
    }

    /// Offset in the body of index `i` of the current slice.
    @inline(__always)
    func offset(_ i: Int) -> Int64 {
        consumed &+ Int64(i)
    }

    public var summary: RequestBodySummary {
        var s = RequestBodySummary()
        if let modelLength { s.model = UnsafeRawBufferPointer(start: scratch.model, count: modelLength) }
        s.modelTokenRange = modelTokenRange
        s.stream = stream
        s.streamOptionsRange = streamOptionsRange
        s.includeUsage = includeUsage
        s.includeUsageRange = includeUsageRange
        s.streamOptionsMembers = streamOptionsMembers >= 0 ? streamOptionsMembers : nil
        s.streamOptionsIsNull = streamOptionsIsNull
        s.maxTokens = maxTokens ?? maxCompletionTokens ?? maxOutputTokens
        if let userLength { s.user = UnsafeRawBufferPointer(start: scratch.user, count: userLength) }
        s.contentBytes = contentBytes
        s.hasTools = hasTools
        s.hasImages = hasImages
        s.prefixHash = hasher.value
        s.prefixHashedBytes = hasher.hashedBytes
        s.lastUserMessage = UnsafeRawBufferPointer(start: textBuffer(lastUserIndex), count: lastUserLength)
        s.topLevelEnd = topLevelEnd
        s.topLevelIsEmpty = topLevelIsEmpty
        return s
    }

    @inline(__always)
    func textBuffer(_ index: Int) -> UnsafeMutablePointer<UInt8> {
        index == 0 ? scratch.texts.0 : scratch.texts.1
    }
}
