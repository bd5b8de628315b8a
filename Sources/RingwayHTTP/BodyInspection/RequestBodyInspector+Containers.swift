/// Objects and arrays: the frame stack, and where the grammar goes after a
/// value ends.
///
///     depth 1      depth 2        depth 3      depth 4       depth 5
///     { "messages": [             {            "content": [  { "type": "text", "text": "…" } ] } ] }
///     top          messageList    message      partList      part
extension RequestBodyInspector {
    func openTopLevel() {
        push(Frame(role: .top, flags: [], isArray: false))
        state = .objectKeyOrEnd
    }

    /// Starts the value whose first byte `c` is at slice index `i`.
    func beginValue(_ c: UInt8, at i: Int) {
        if depth == 1 { topValueStart = offset(i) }
        switch c {
        case JSONByte.quote: beginValueString(at: i)
        case JSONByte.openBrace: openContainer(isArray: false, at: i)
        case JSONByte.openBracket: openContainer(isArray: true, at: i)
        case JSONByte.minus, 0x30...0x39: beginNumber(c)
        case 0x74: beginLiteral("true")
        case 0x66: beginLiteral("false")
        case 0x6E: beginLiteral("null")
        default: fail(.expectedValue(at: offset(i)))
        }
    }

    func openContainer(isArray: Bool, at i: Int) {
        if depth >= limits.maxDepth {
            fail(.tooDeep(at: offset(i), limit: limits.maxDepth))
            return
        }
        var role = FrameRole.plain
        switch valueField {
        case .streamOptions:
            if !isArray {
                role = .streamOptions
                streamOptionsMembers = 0
            }
        case .tools: if isArray { role = .tools }
        case .messages, .input: if isArray { role = .messageList }
        case .messageContent: if isArray { role = .partList }
        case .messageItem: if !isArray { role = .message }
        case .partItem: if !isArray { role = .part }
        default: break
        }
        if role == .message { beginMessage() }
        push(Frame(role: role, flags: valueFlags, isArray: isArray))
        state = isArray ? .arrayValueOrEnd : .objectKeyOrEnd
    }

    @inline(__always)
    func push(_ new: Frame) {
        scratch.frames[depth] = new
        depth &+= 1
        frame = new
    }

    /// The '}' or ']' at slice index `i`; the state already proved it matches.
    func closeContainer(at i: Int) {
        let closed = frame
        depth &-= 1
        frame = depth > 0 ? scratch.frames[depth &- 1] : .none
        if closed.role == .message { endMessage() }
        if depth == 0 {
            topLevelEnd = offset(i)
            state = .documentEnd
        } else {
            endValue(at: offset(i) &+ 1)
        }
    }

    /// A value ended just before body offset `end`.
    @inline(__always)
    func endValue(at end: Int64) {
        if depth == 1 {
            if topField == .streamOptions { streamOptionsRange = topValueStart..<end }
            state = .objectCommaOrEnd
        } else {
            state = frame.isArray ? .arrayCommaOrEnd : .objectCommaOrEnd
        }
    }
}
