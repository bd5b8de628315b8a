import RingwayHTTP

/// `RequestBodyInspector` keeps all its state between slices, so where a
/// receive cuts the body must not matter: the verdict (and, for a valid body,
/// every field of the summary) is the same whole, split in two, and byte by
/// byte for inputs small enough to afford it.
enum BodyInspectionCheck {
    /// Small limits so the fuzzer reaches their edges within 4 KiB inputs.
    static let limits = BodyInspectionLimits(maxDepth: 16, maxModelBytes: 32, maxUserBytes: 16, lastUserMessageBytes: 64)
    static let prefixBytes = 48
    static let bytewiseLimit = 512

    /// One inspector reused for every run, as a connection reuses its own: a
    /// run that leaks state into the next shows up as a mismatch.
    nonisolated(unsafe) static let inspector = RequestBodyInspector(limits: limits)

    static func check(_ body: UnsafeRawBufferPointer, split: Int) {
        precondition(split >= 0 && split <= body.count)
        let whole = outcome(of: body, cuts: [])
        let halves = outcome(of: body, cuts: [split])
        precondition(halves == whole, "body inspection: split at \(split) gave \(halves), whole body \(whole)")
        if body.count < bytewiseLimit {
            let bytewise = outcome(of: body, cuts: Array(stride(from: 1, to: body.count, by: 1)))
            precondition(bytewise == whole, "body inspection: byte-at-a-time gave \(bytewise), whole body \(whole)")
        }
        checkInvariants(whole, body: body)
    }

    /// What one inspection found, copied out of the inspector.
    struct Outcome: Equatable, CustomStringConvertible {
        var step: BodyInspectionStep
        var model: [UInt8]?
        var modelTokenRange: Range<Int64>?
        var stream = false
        var streamOptionsRange: Range<Int64>?
        var includeUsage: Bool?
        var maxTokens: Int64?
        var user: [UInt8]?
        var contentBytes = 0
        var hasTools = false
        var hasImages = false
        var prefixHash: UInt64 = 0
        var prefixHashedBytes = 0
        var lastUserMessage: [UInt8] = []
        var topLevelEnd: Int64 = 0
        var topLevelIsEmpty = false

        var description: String { "\(step), model \(model.map { String(decoding: $0, as: UTF8.self) } ?? "nil")" }
    }

    static func outcome(of body: UnsafeRawBufferPointer, cuts: [Int]) -> Outcome {
        inspector.reset(prefixBytes: prefixBytes)
        var step = BodyInspectionStep.needMore
        var start = 0
        for end in cuts + [body.count] where step == .needMore {
            // Each slice in an exact-size copy, so an over-read is caught by ASan.
            step = withExactCopy(of: body, range: start..<end) { inspector.feed($0) }
            start = end
        }
        if step == .needMore {
            step = inspector.finish()
            precondition(step != .needMore, "body inspection: finish() asked for more")
            precondition(inspector.finish() == step, "body inspection: finish() is not repeatable")
        } else {
            precondition(step != .complete, "body inspection: feed() reported complete")
            precondition(inspector.finish() == step, "body inspection: failure is not sticky")
        }
        var o = Outcome(step: step)
        // After a failure the summary only holds what was seen before it.
        guard step == .complete else { return o }
        let s = inspector.summary
        o.model = s.model.map { Array($0) }
        o.modelTokenRange = s.modelTokenRange
        o.stream = s.stream
        o.streamOptionsRange = s.streamOptionsRange
        o.includeUsage = s.includeUsage
        o.maxTokens = s.maxTokens
        o.user = s.user.map { Array($0) }
        o.contentBytes = s.contentBytes
        o.hasTools = s.hasTools
        o.hasImages = s.hasImages
        o.prefixHash = s.prefixHash
        o.prefixHashedBytes = s.prefixHashedBytes
        o.lastUserMessage = Array(s.lastUserMessage)
        o.topLevelEnd = s.topLevelEnd
        o.topLevelIsEmpty = s.topLevelIsEmpty
        return o
    }

    static func checkInvariants(_ o: Outcome, body: UnsafeRawBufferPointer) {
        let count = Int64(body.count)
        if case .failure(let error) = o.step {
            precondition(error.offset >= 0 && error.offset <= count, "body inspection: error offset \(error.offset) outside the body")
            return
        }
        precondition(o.step == .complete)
        precondition(o.topLevelEnd >= 1 && o.topLevelEnd < count && body[Int(o.topLevelEnd)] == 0x7D,
                     "body inspection: topLevelEnd \(o.topLevelEnd) is not a '}'")
        if let range = o.modelTokenRange {
            precondition(range.lowerBound >= 1 && range.upperBound <= o.topLevelEnd && range.count >= 2,
                         "body inspection: model token \(range) outside the object")
            precondition(body[Int(range.lowerBound)] == 0x22 && body[Int(range.upperBound) - 1] == 0x22,
                         "body inspection: model token \(range) is not a quoted string")
            precondition(o.model != nil && o.model!.count <= limits.maxModelBytes && o.model!.count <= range.count - 2,
                         "body inspection: model longer than its token or the limit")
        } else {
            precondition(o.model == nil, "body inspection: a model without a token range")
        }
        if let range = o.streamOptionsRange {
            precondition(range.lowerBound > 0 && range.upperBound <= o.topLevelEnd && !range.isEmpty,
                         "body inspection: stream_options range \(range) outside the object")
        }
        if o.includeUsage != nil { precondition(o.streamOptionsRange != nil, "body inspection: include_usage without stream_options") }
        precondition((o.user?.count ?? 0) <= limits.maxUserBytes, "body inspection: user over its limit")
        precondition(o.lastUserMessage.count <= limits.lastUserMessageBytes, "body inspection: last message over its limit")
        precondition(o.contentBytes >= 0 && Int64(o.contentBytes) < count, "body inspection: content bytes exceed the body")
        precondition(o.prefixHashedBytes == min(o.contentBytes, prefixBytes),
                     "body inspection: hashed \(o.prefixHashedBytes) of \(o.contentBytes) content bytes")
        for captured in [o.model ?? [], o.user ?? [], o.lastUserMessage] {
            precondition(isValidUTF8(captured), "body inspection: a captured value is not valid UTF-8")
        }
    }

    /// Captures decode escapes and replace lone surrogates, and truncation
    /// backs off to a character boundary, so they are always valid UTF-8.
    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
