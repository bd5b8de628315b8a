/// A rule's pattern did not compile; names the rule so the config error
/// can point at it: `rule "coding" (#2): unbalanced ')' at 7`.
public struct RuleCompileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var ruleIndex: Int
    public var ruleName: String
    public var patternError: BytePatternError

    public var description: String { "rule \"\(ruleName)\" (#\(ruleIndex + 1)): \(patternError)" }
}

/// The `"rules"` of a config, compiled for matching: config strings copied
/// to bytes once, header names resolved to slots, patterns compiled.
/// Immutable after `init`, so one instance serves every worker.
///
/// `firstMatch` tests rules in file order and returns the first whose every
/// present condition holds; within a rule the cheap conditions go first and
/// the pattern search last, so it runs only when everything else matched.
public struct CompiledRules: Sendable {
    /// Lowercased names of every header any rule tests, without duplicates;
    /// `RequestFacts.headerValues` follows this order.
    public let referencedHeaders: [[UInt8]]
    let rules: [CompiledRule]

    public init(_ configs: [RuleConfig]) throws(RuleCompileError) {
        var headers: [[UInt8]] = []
        var rules: [CompiledRule] = []
        rules.reserveCapacity(configs.count)
        for (index, config) in configs.enumerated() {
            var conditions: [CompiledRule.HeaderCondition] = []
            for header in config.match.headers {
                let name = Array(header.name.utf8).map(lowercasedASCII)
                let slot = headers.firstIndex(of: name) ?? {
                    headers.append(name)
                    return headers.count - 1
                }()
                conditions.append(CompiledRule.HeaderCondition(slot: slot, value: header.value.map { Array($0.utf8) }))
            }
            var pattern: BytePattern?
            if let source = config.match.lastUserMessagePattern {
                switch BytePattern.compile(source) {
                case .success(let compiled): pattern = compiled
                case .failure(let error):
                    throw RuleCompileError(ruleIndex: index, ruleName: config.name, patternError: error)
                }
            }
            rules.append(CompiledRule(config.match, headers: conditions, pattern: pattern))
        }
        referencedHeaders = headers
        self.rules = rules
    }

    public var count: Int { rules.count }

    /// The index of the first rule that matches, or nil.
    public func firstMatch(_ facts: RequestFacts) -> Int? {
        rules.withUnsafeBufferPointer { rules in
            for index in 0..<rules.count where rules[index].matches(facts) { return index }
            return nil
        }
    }
}

@inline(__always)
func lowercasedASCII(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
}
