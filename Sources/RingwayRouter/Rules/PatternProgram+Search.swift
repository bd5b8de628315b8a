/// The search: a Pike VM over the input's bytes, tracking the set of NFA
/// states alive after each byte. Linear in input length x program size
/// whatever the pattern (`(a*)*b` on a long run of a's included), because
/// each state enters a step's set at most once; no backtracking.
///
/// Only "is there a match anywhere" is asked, so threads carry no captures
/// and their order does not matter: the first `match` reached ends the
/// search.
///
/// Scratch space — two state sets and a work stack, five `UInt16` per
/// instruction — comes from `withUnsafeTemporaryAllocation`, which is stack
/// memory: about 500 bytes for a typical 50-instruction rule, so nothing is
/// allocated per search and the program stays shareable between workers.
extension PatternProgram {
    func search(_ input: UnsafeRawBufferPointer) -> Bool {
        let size = instructions.count
        return withUnsafeTemporaryAllocation(of: UInt16.self, capacity: size &* 5) { scratch in
            let base = scratch.baseAddress!
            // Sparse indices are read before being written: start them at 0
            // (a sparse set tolerates any value, but reading uninitialised
            // memory is undefined in Swift).
            base.initialize(repeating: 0, count: size &* 5)
            var current = StateSet(dense: base, sparse: base + size)
            var following = StateSet(dense: base + 2 &* size, sparse: base + 3 &* size)
            let stack = base + 4 &* size
            return instructions.withUnsafeBufferPointer { code in
                setWords.withUnsafeBufferPointer { sets in
                    if let startTable {
                        return startTable.begins.withUnsafeBufferPointer { begins in
                            startTable.offsets.withUnsafeBufferPointer { offsets in
                                startTable.entries.withUnsafeBufferPointer { entries in
                                    runFromTable(input, code: code, sets: sets, begins: begins, offsets: offsets,
                                                 entries: entries, current: &current, following: &following, stack: stack)
                                }
                            }
                        }
                    }
                    return run(input, code: code, sets: sets, current: &current, following: &following, stack: stack)
                }
            }
        }
    }

    /// The general search: the start state is followed at every position
    /// whose byte can begin a match (at every position when any can).
    @inline(__always)
    private func run(_ input: UnsafeRawBufferPointer, code: UnsafeBufferPointer<PatternInstruction>,
                     sets: UnsafeBufferPointer<UInt64>, current: inout StateSet, following: inout StateSet,
                     stack: UnsafeMutablePointer<UInt16>) -> Bool {
        let length = input.count
        var position = 0
        while true {
            if !anchoredAtStart || position == 0 {
                if let firstBytes {
                    if current.count == 0 {
                        // Nothing alive: jump to the next byte that could begin a match.
                        while position < length && !firstBytes.contains(input[position]) { position &+= 1 }
                        if position == length { return false }
                    }
                    if position < length && firstBytes.contains(input[position])
                        && follow(0, into: &current, at: position, input: input, code: code, stack: stack) { return true }
                } else if follow(0, into: &current, at: position, input: input, code: code, stack: stack) {
                    return true
                }
            } else if current.count == 0 {
                return false
            }
            if position == length { return false }
            let byte = input[position]
            following.clear()
            if step(byte, at: position, input: input, code: code, sets: sets, current: current, following: &following,
                    stack: stack) { return true }
            swap(&current, &following)
            position &+= 1
        }
    }

    /// The search with a start table: threads begin directly at the
    /// instructions that consume the position's byte.
    @inline(__always)
    private func runFromTable(_ input: UnsafeRawBufferPointer, code: UnsafeBufferPointer<PatternInstruction>,
                              sets: UnsafeBufferPointer<UInt64>, begins: UnsafeBufferPointer<Bool>,
                              offsets: UnsafeBufferPointer<UInt16>,
                              entries: UnsafeBufferPointer<PatternStartTable.Entry>, current: inout StateSet,
                              following: inout StateSet, stack: UnsafeMutablePointer<UInt16>) -> Bool {
        let length = input.count
        var position = 0
        while true {
            if current.count == 0 {
                while position < length && !begins[Int(input[position])] { position &+= 1 }
            }
            if position == length { return false }
            let byte = input[position]
            following.clear()
            if current.count > 0
                && step(byte, at: position, input: input, code: code, sets: sets, current: current,
                        following: &following, stack: stack) { return true }
            for index in Int(offsets[Int(byte)])..<Int(offsets[Int(byte) &+ 1]) {
                let entry = entries[index]
                if entry.assertions != 0 && !Self.allHold(entry.assertions, at: position, in: input) { continue }
                if follow(Int(entry.pc) &+ 1, into: &following, at: position &+ 1, input: input, code: code,
                          stack: stack) { return true }
            }
            swap(&current, &following)
            position &+= 1
        }
    }

    /// Advances every live thread over `byte`; true when one reaches `match`.
    @inline(__always)
    private func step(_ byte: UInt8, at position: Int, input: UnsafeRawBufferPointer,
                      code: UnsafeBufferPointer<PatternInstruction>, sets: UnsafeBufferPointer<UInt64>,
                      current: StateSet, following: inout StateSet, stack: UnsafeMutablePointer<UInt16>) -> Bool {
        for index in 0..<current.count {
            let pc = Int(current.dense[index])
            let instruction = code[pc]
            let taken: Bool
            switch instruction.opcode {
            case .byte: taken = UInt8(truncatingIfNeeded: instruction.argument) == byte
            case .set:
                let word = sets[Int(instruction.argument) &<< 2 | Int(byte >> 6)]
                taken = word & (1 << UInt64(byte & 63)) != 0
            default: taken = false
            }
            if taken && follow(pc &+ 1, into: &following, at: position &+ 1, input: input, code: code, stack: stack) {
                return true
            }
        }
        return false
    }

    @inline(__always)
    private static func allHold(_ assertions: UInt8, at position: Int, in input: UnsafeRawBufferPointer) -> Bool {
        var remaining = assertions
        while remaining != 0 {
            let kind = Int32(remaining.trailingZeroBitCount)
            if !holds(kind, at: position, in: input) { return false }
            remaining &= remaining &- 1
        }
        return true
    }

    /// Adds `start` and every state reachable from it without consuming
    /// (jumps, splits, assertions that hold at `position`) to `set`; true as
    /// soon as `match` is among them.
    @inline(__always)
    private func follow(_ start: Int, into set: inout StateSet, at position: Int, input: UnsafeRawBufferPointer,
                        code: UnsafeBufferPointer<PatternInstruction>, stack: UnsafeMutablePointer<UInt16>) -> Bool {
        if set.contains(start) { return false }
        set.insert(start)
        stack[0] = UInt16(truncatingIfNeeded: start)
        var depth = 1
        while depth > 0 {
            depth &-= 1
            let pc = Int(stack[depth])
            let instruction = code[pc]
            switch instruction.opcode {
            case .byte, .set:
                continue
            case .match:
                return true
            case .jump:
                push(Int(instruction.argument))
            case .split:
                push(Int(instruction.argument))
                push(Int(instruction.alternative))
            case .assert:
                if Self.holds(instruction.argument, at: position, in: input) { push(pc &+ 1) }
            }
        }
        return false

        // Marking a state when it is pushed, not when popped, bounds the
        // stack by the program size.
        @inline(__always)
        func push(_ pc: Int) {
            if set.contains(pc) { return }
            set.insert(pc)
            stack[depth] = UInt16(truncatingIfNeeded: pc)
            depth &+= 1
        }
    }

    @inline(__always)
    private static func holds(_ assertion: Int32, at position: Int, in input: UnsafeRawBufferPointer) -> Bool {
        switch assertion {
        case PatternAssertion.start.rawValue: return position == 0
        case PatternAssertion.end.rawValue: return position == input.count
        default:
            let before = position > 0 && isWordByte(input[position &- 1])
            let after = position < input.count && isWordByte(input[position])
            return (before != after) == (assertion == PatternAssertion.wordBoundary.rawValue)
        }
    }

    /// `\w` by arithmetic: the shared `ByteSet.word` is a lazily initialised
    /// global, and its access check cost more than the test itself here.
    @inline(__always)
    private static func isWordByte(_ byte: UInt8) -> Bool {
        let letter = byte | 0x20
        return (letter >= UInt8(ascii: "a") && letter <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }
}

/// A set of program counters with O(1) insert, test and clear (Briggs and
/// Torczon's sparse set): `dense` lists the members in insertion order,
/// `sparse[pc]` says where pc would be in `dense`.
struct StateSet {
    let dense: UnsafeMutablePointer<UInt16>
    let sparse: UnsafeMutablePointer<UInt16>
    var count = 0

    init(dense: UnsafeMutablePointer<UInt16>, sparse: UnsafeMutablePointer<UInt16>) {
        self.dense = dense
        self.sparse = sparse
    }

    @inline(__always)
    func contains(_ pc: Int) -> Bool {
        let index = Int(sparse[pc])
        return index < count && Int(dense[index]) == pc
    }

    @inline(__always)
    mutating func insert(_ pc: Int) {
        sparse[pc] = UInt16(truncatingIfNeeded: count)
        dense[count] = UInt16(truncatingIfNeeded: pc)
        count &+= 1
    }

    @inline(__always)
    mutating func clear() { count = 0 }
}
