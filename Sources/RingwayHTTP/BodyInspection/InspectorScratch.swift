/// The inspector's one allocation, carved into the buffers it needs. Made
/// once in init so that inspecting a body never allocates.
///
///     ┌────────────┬─────┬───────┬───────┬──────┬────────┬────────┐
///     │ frames     │ key │ label │ model │ user │ text 0 │ text 1 │
///     │ maxDepth+1 │ 24  │ 16    │       │      │        │        │
///     └────────────┴─────┴───────┴───────┴──────┴────────┴────────┘
///
/// Two text buffers: one holds the last committed user message while the
/// other fills with the current message; committing swaps them.
struct InspectorScratch {
    static let labelCapacity = 16

    let base: UnsafeMutableRawPointer
    let frames: UnsafeMutablePointer<Frame>
    let key: UnsafeMutablePointer<UInt8>
    let label: UnsafeMutablePointer<UInt8>
    let model: UnsafeMutablePointer<UInt8>
    let user: UnsafeMutablePointer<UInt8>
    let texts: (UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<UInt8>)

    init(limits: BodyInspectionLimits) {
        let frameCount = max(limits.maxDepth, 1) + 1
        let frameBytes = frameCount * MemoryLayout<Frame>.stride
        let modelBytes = max(limits.maxModelBytes, 0)
        let userBytes = max(limits.maxUserBytes, 0)
        let textBytes = max(limits.lastUserMessageBytes, 0)
        let byteTotal = BodyKey.capacity + Self.labelCapacity + modelBytes + userBytes + 2 * textBytes
        base = UnsafeMutableRawPointer.allocate(byteCount: frameBytes + byteTotal, alignment: 16)
        frames = base.bindMemory(to: Frame.self, capacity: frameCount)
        let bytes = (base + frameBytes).bindMemory(to: UInt8.self, capacity: byteTotal)
        key = bytes
        label = key + BodyKey.capacity
        model = label + Self.labelCapacity
        user = model + modelBytes
        texts = (user + userBytes, user + userBytes + textBytes)
    }

    func deallocate() {
        base.deallocate()
    }
}
