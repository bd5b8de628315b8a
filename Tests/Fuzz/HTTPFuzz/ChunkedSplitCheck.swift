import RingwayHTTP

/// `ChunkedFraming` is a byte-at-a-time state machine, so where a receive
/// happens to cut the body must not matter: fed in two slices, or one byte at
/// a time, it must reach exactly the verdict it reaches on the whole body, at
/// the same offset, in the same state.
enum ChunkedSplitCheck {
    static func check(_ body: UnsafeRawBufferPointer, split: Int, limits: HTTPLimits) {
        precondition(split >= 0 && split <= body.count)

        var whole = ChunkedFraming(limits: limits)
        let wholeStep = whole.feed(body)

        // Two slices, each in its own allocation so that an over-read of the
        // first cannot silently land in the second.
        var halves = ChunkedFraming(limits: limits)
        let splitStep = withExactCopy(of: body, range: 0..<split) { first -> ChunkedFraming.Step in
            switch halves.feed(first) {
            case .needMore:
                let second = withExactCopy(of: body, range: split..<body.count) { halves.feed($0) }
                return offset(second, by: split)
            case .done(let consumed):
                precondition(consumed <= split, "chunked: done past the end of the slice it was fed")
                return .done(consumed: consumed)
            case .failure(let error):
                return .failure(error)
            }
        }
        precondition(splitStep == wholeStep, "chunked: split at \(split) gave \(splitStep), whole body \(wholeStep)")
        checkSameState(whole, halves, "split at \(split)")

        // One byte per feed: every state boundary is also a slice boundary.
        var bytewise = ChunkedFraming(limits: limits)
        var bytewiseStep = ChunkedFraming.Step.needMore
        var i = 0
        while i < body.count {
            let step = bytewise.feed(UnsafeRawBufferPointer(rebasing: body[i..<i + 1]))
            if step != .needMore {
                bytewiseStep = offset(step, by: i)
                break
            }
            i += 1
        }
        precondition(bytewiseStep == wholeStep, "chunked: byte-at-a-time gave \(bytewiseStep), whole body \(wholeStep)")
        checkSameState(whole, bytewise, "byte-at-a-time")

        checkStickyEnd(&whole, after: wholeStep, body: body)
    }

    /// A step reported for a slice that started `start` bytes into the body,
    /// as an offset into the whole body.
    static func offset(_ step: ChunkedFraming.Step, by start: Int) -> ChunkedFraming.Step {
        if case .done(let consumed) = step { return .done(consumed: start + consumed) }
        return step
    }

    static func checkSameState(_ a: ChunkedFraming, _ b: ChunkedFraming, _ how: String) {
        precondition(a.isComplete == b.isComplete, "chunked: isComplete differs (\(how))")
        precondition(a.bodyBytes == b.bodyBytes, "chunked: bodyBytes \(a.bodyBytes) vs \(b.bodyBytes) (\(how))")
        precondition(a.isAtChunkBoundary == b.isAtChunkBoundary, "chunked: isAtChunkBoundary differs (\(how))")
    }

    /// After the end or a failure the tracker must keep saying so: the proxy
    /// may feed it the rest of a buffer that already holds the next message.
    static func checkStickyEnd(_ framing: inout ChunkedFraming, after step: ChunkedFraming.Step, body: UnsafeRawBufferPointer) {
        switch step {
        case .needMore:
            precondition(!framing.isComplete, "chunked: complete but asked for more")
        case .done(let consumed):
            precondition(consumed >= 5 && consumed <= body.count, "chunked: done(consumed: \(consumed)) outside the input")
            precondition(framing.isComplete, "chunked: done but not complete")
            precondition(framing.feed(body) == .done(consumed: 0), "chunked: done is not sticky")
        case .failure(let error):
            precondition(!framing.isComplete, "chunked: failed yet complete")
            precondition(framing.feed(body) == .failure(error), "chunked: failure is not sticky")
        }
    }
}
