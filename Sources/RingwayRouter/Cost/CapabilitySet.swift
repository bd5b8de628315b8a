/// A model's capabilities as one byte, so a candidate list is plain values
/// and the capability test is a mask (`Set<Capability>` would hash).
public struct CapabilitySet: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let tools = CapabilitySet(rawValue: 1 << 0)
    public static let vision = CapabilitySet(rawValue: 1 << 1)
    public static let streaming = CapabilitySet(rawValue: 1 << 2)
    public static let embeddings = CapabilitySet(rawValue: 1 << 3)
    public static let reasoning = CapabilitySet(rawValue: 1 << 4)

    public init(_ capability: Capability) {
        switch capability {
        case .tools: self = .tools
        case .vision: self = .vision
        case .streaming: self = .streaming
        case .embeddings: self = .embeddings
        case .reasoning: self = .reasoning
        }
    }

    public init(_ capabilities: Set<Capability>) {
        self = []
        for capability in capabilities { insert(CapabilitySet(capability)) }
    }
}
