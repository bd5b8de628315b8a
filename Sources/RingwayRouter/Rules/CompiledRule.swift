/// One rule's conditions as bytes. A condition that is absent from the
/// config (empty list, nil) always holds; one that is present fails when the
/// request lacks what it tests (no key, no header, no user message).
///
/// A final class, not a struct: `firstMatch` reads rules out of an array,
/// and a struct of ten arrays would be copied (and each array retained)
/// per rule per request.
final class CompiledRule: Sendable {
    struct HeaderCondition: Sendable {
        /// Index into `CompiledRules.referencedHeaders`.
        var slot: Int
        /// nil = present with any value; otherwise exact bytes.
        var value: [UInt8]?
    }

    let headers: [HeaderCondition]
    let keys: [[UInt8]]
    let tenants: [[UInt8]]
    let models: [[UInt8]]
    let pathPrefix: [UInt8]?
    let minPromptTokens: Int?
    let maxPromptTokens: Int?
    let tools: Bool?
    let images: Bool?
    let pattern: BytePattern?

    init(_ match: RuleMatch, headers: [HeaderCondition], pattern: BytePattern?) {
        self.headers = headers
        self.pattern = pattern
        keys = match.keys.map { Array($0.utf8) }
        tenants = match.tenants.map { Array($0.utf8) }
        models = match.models.map { Array($0.utf8) }
        pathPrefix = match.pathPrefix.map { Array($0.utf8) }
        minPromptTokens = match.minPromptTokens
        maxPromptTokens = match.maxPromptTokens
        tools = match.tools
        images = match.images
    }

    func matches(_ facts: RequestFacts) -> Bool {
        if let tools, tools != facts.hasTools { return false }
        if let images, images != facts.hasImages { return false }
        if let minPromptTokens, facts.promptTokens < minPromptTokens { return false }
        if let maxPromptTokens, facts.promptTokens > maxPromptTokens { return false }
        if let pathPrefix, !Self.hasPrefix(facts.path, pathPrefix) { return false }
        if !models.isEmpty && !Self.anyEqual(models, facts.requestedModel) { return false }
        if !keys.isEmpty && !Self.anyEqual(keys, facts.keyName) { return false }
        if !tenants.isEmpty && !Self.anyEqual(tenants, facts.tenant) { return false }
        for header in headers {
            guard header.slot < facts.headerValues.count else { return false }
            let value = facts.headerValues[header.slot]
            if value.baseAddress == nil { return false }
            if let wanted = header.value, !Self.equal(wanted, value) { return false }
        }
        if let pattern {
            if facts.lastUserMessage.isEmpty || !pattern.matches(facts.lastUserMessage) { return false }
        }
        return true
    }

    @inline(__always)
    static func equal(_ expected: [UInt8], _ actual: UnsafeRawBufferPointer) -> Bool {
        guard expected.count == actual.count else { return false }
        return expected.withUnsafeBytes { expected in
            guard let lhs = expected.baseAddress, let rhs = actual.baseAddress else { return expected.isEmpty }
            return memoryEqual(lhs, rhs, count: expected.count)
        }
    }

    @inline(__always)
    static func anyEqual(_ candidates: [[UInt8]], _ actual: UnsafeRawBufferPointer) -> Bool {
        if actual.isEmpty { return false }
        for candidate in candidates where equal(candidate, actual) { return true }
        return false
    }

    @inline(__always)
    static func hasPrefix(_ path: UnsafeRawBufferPointer, _ prefix: [UInt8]) -> Bool {
        guard path.count >= prefix.count else { return false }
        return equal(prefix, UnsafeRawBufferPointer(rebasing: path[0..<prefix.count]))
    }
}

/// Byte comparison without libc (this module imports nothing): config
/// strings are short, so a word-at-a-time loop is as fast as memcmp's call.
@inline(__always)
func memoryEqual(_ lhs: UnsafeRawPointer, _ rhs: UnsafeRawPointer, count: Int) -> Bool {
    var offset = 0
    while offset &+ 8 <= count {
        if lhs.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            != rhs.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
        offset &+= 8
    }
    while offset < count {
        if lhs.load(fromByteOffset: offset, as: UInt8.self) != rhs.load(fromByteOffset: offset, as: UInt8.self) {
            return false
        }
        offset &+= 1
    }
    return true
}
