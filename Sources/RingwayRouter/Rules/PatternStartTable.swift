/// For each byte, the instructions a match may begin with when that byte is
/// the next one, with the assertions on the way to each (`\b` opening a
/// pattern is common in rules).
///
/// Without it an unanchored search follows the start state's jumps and
/// splits afresh at every position — for `\b(python|rust|…)` a dozen
/// pushes per byte, most of the search's time on ordinary text. With it, a
/// position whose byte cannot begin a match costs one table read, and one
/// that can goes straight to the states that consume it.
///
/// Built only when it is exact: no match without consuming, not anchored,
/// and every first instruction reached under one set of assertions only (a
/// pattern like `\ba|b` reaches `a` with `\b` and `b` without, which is
/// fine; one that reaches the same instruction both ways falls back).
struct PatternStartTable: Sendable {
    struct Entry: Sendable {
        var pc: UInt16
        /// Bit `1 << PatternAssertion.rawValue` for each assertion that must hold.
        var assertions: UInt8
    }

    /// Byte b's entries are `entries[offsets[b] ..< offsets[b + 1]]`.
    let offsets: [UInt16]
    let entries: [Entry]
    /// Whether byte b has any entry: the skip loop's one load per byte.
    let begins: [Bool]

    init?(_ program: PatternProgram) {
        guard !program.anchoredAtStart, program.firstBytes != nil else { return nil }
        // Depth-first from instruction 0, carrying the assertions seen.
        var visited = Set<Int>()  // pc x 16 + assertion mask
        var firstStates: [(pc: Int, assertions: UInt8)] = []
        var maskOfState: [Int: UInt8] = [:]
        var pending: [(Int, UInt8)] = [(0, 0)]
        while let (pc, mask) = pending.popLast() {
            guard visited.insert(pc &* 16 &+ Int(mask)).inserted else { continue }
            let instruction = program.instructions[pc]
            switch instruction.opcode {
            case .byte, .set:
                if let known = maskOfState[pc] {
                    if known != mask { return nil }
                } else {
                    maskOfState[pc] = mask
                    firstStates.append((pc, mask))
                }
            case .match:
                return nil
            case .jump:
                pending.append((Int(instruction.argument), mask))
            case .split:
                pending.append((Int(instruction.alternative), mask))
                pending.append((Int(instruction.argument), mask))
            case .assert:
                pending.append((pc + 1, mask | UInt8(1 << instruction.argument)))
            }
        }
        var offsets: [UInt16] = [0]
        var entries: [Entry] = []
        for byte in UInt8.min...UInt8.max {
            for state in firstStates {
                let instruction = program.instructions[state.pc]
                let accepts = instruction.opcode == .byte
                    ? UInt8(truncatingIfNeeded: instruction.argument) == byte
                    : program.sets[Int(instruction.argument)].contains(byte)
                if accepts { entries.append(Entry(pc: UInt16(state.pc), assertions: state.assertions)) }
            }
            guard entries.count <= Int(UInt16.max) else { return nil }
            offsets.append(UInt16(entries.count))
        }
        self.offsets = offsets
        self.entries = entries
        begins = (0..<256).map { offsets[$0 + 1] != offsets[$0] }
    }
}
