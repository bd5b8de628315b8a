/// The compiled form of a pattern: instructions for a Thompson NFA, run by
/// `PatternProgram.search` (a Pike VM without captures).
///
/// ```
///  a(b|c)*d  ─▶   0 byte 'a'
///                 1 split 2, 7      ◀─┐ loop: try another (b|c), or leave
///                 2 split 3, 5        │
///                 3 byte 'b'          │
///                 4 jump 6            │
///                 5 byte 'c'          │
///                 6 jump 1  ──────────┘
///                 7 byte 'd'
///                 8 match
/// ```
struct PatternInstruction: Equatable {
    enum Opcode: UInt8 {
        /// Consume one byte equal to `argument`.
        case byte
        /// Consume one byte in `sets[argument]`.
        case set
        /// Continue at both `argument` and `alternative`.
        case split
        /// Continue at `argument`.
        case jump
        /// Continue at the next instruction if `PatternAssertion(argument)` holds.
        case assert
        case match
    }

    var opcode: Opcode
    var argument: Int32 = 0
    var alternative: Int32 = 0
}

struct PatternProgram: Sendable {
    /// Beyond this the pattern is refused: the scratch space of a search is
    /// ten bytes per instruction, and counted repetitions of groups multiply
    /// quickly (`(a{100}){100}`).
    static let maxInstructions = 4096

    var instructions: [PatternInstruction] = []
    var sets: [ByteSet] = []
    /// Bytes that can begin a match; nil when a match can be empty or any
    /// byte can begin one. Lets a search skip ahead while no thread is alive.
    var firstBytes: ByteSet?
    /// The program starts with `^`: only position 0 can begin a match.
    var anchoredAtStart = false
    /// `sets` flattened, four words per set, for the search's membership test.
    var setWords: [UInt64] = []
    /// Where a match can begin, precomputed (see PatternStartTable.swift);
    /// nil when the search must follow the start state at every byte.
    var startTable: PatternStartTable?
}

/// Turns a `PatternNode` tree into a `PatternProgram`.
struct PatternCompiler {
    private var program = PatternProgram()

    static func compile(_ node: PatternNode) throws(BytePatternError) -> PatternProgram {
        var compiler = PatternCompiler()
        try compiler.emit(node)
        try compiler.append(PatternInstruction(opcode: .match))
        var program = compiler.program
        program.anchoredAtStart = program.instructions.first == PatternInstruction(
            opcode: .assert, argument: PatternAssertion.start.rawValue)
        program.firstBytes = Self.firstBytes(of: program)
        program.setWords = program.sets.flatMap { set in (0..<4).map { set.word($0) } }
        program.startTable = PatternStartTable(program)
        return program
    }

    private var next: Int32 { Int32(program.instructions.count) }

    private mutating func append(_ instruction: PatternInstruction) throws(BytePatternError) {
        guard program.instructions.count < PatternProgram.maxInstructions else {
            throw BytePatternError(offset: 0, reason: "pattern too large (over \(PatternProgram.maxInstructions) instructions)")
        }
        program.instructions.append(instruction)
    }

    private mutating func emit(_ node: PatternNode) throws(BytePatternError) {
        switch node {
        case .empty:
            break
        case .bytes(let set):
            if let byte = set.single {
                try append(PatternInstruction(opcode: .byte, argument: Int32(byte)))
            } else {
                let index = program.sets.firstIndex(of: set) ?? {
                    program.sets.append(set)
                    return program.sets.count - 1
                }()
                try append(PatternInstruction(opcode: .set, argument: Int32(index)))
            }
        case .concatenation(let items):
            for item in items { try emit(item) }
        case .assertion(let assertion):
            try append(PatternInstruction(opcode: .assert, argument: assertion.rawValue))
        case .alternation(let branches):
            // split L1, L2 / L1: first / jump end / L2: split … / last: final branch
            var exits: [Int] = []
            for branch in branches.dropLast() {
                let split = Int(next)
                try append(PatternInstruction(opcode: .split, argument: next + 1))
                try emit(branch)
                exits.append(Int(next))
                try append(PatternInstruction(opcode: .jump))
                program.instructions[split].alternative = next
            }
            try emit(branches[branches.count - 1])
            for exit in exits { program.instructions[exit].argument = next }
        case .repetition(let inner, let minimum, let maximum):
            try emitRepetition(inner, minimum: minimum, maximum: maximum)
        }
    }

    private mutating func emitRepetition(_ inner: PatternNode, minimum: Int, maximum: Int?) throws(BytePatternError) {
        guard let maximum else {
            if minimum == 0 {
                // loop: split body, exit / body / jump loop
                let loop = Int(next)
                try append(PatternInstruction(opcode: .split, argument: next + 1))
                try emit(inner)
                try append(PatternInstruction(opcode: .jump, argument: Int32(loop)))
                program.instructions[loop].alternative = next
            } else {
                // x{m,}: m - 1 copies, then body / split body, exit
                for _ in 0..<(minimum - 1) { try emit(inner) }
                let body = next
                try emit(inner)
                try append(PatternInstruction(opcode: .split, argument: body, alternative: next + 1))
            }
            return
        }
        for _ in 0..<minimum { try emit(inner) }
        // x{m,n}: the n - m optional copies each leave early to the end.
        var exits: [Int] = []
        for _ in minimum..<maximum {
            exits.append(Int(next))
            try append(PatternInstruction(opcode: .split, argument: next + 1))
            try emit(inner)
        }
        for exit in exits { program.instructions[exit].alternative = next }
    }

    /// The bytes the first consuming instruction can take, following jumps
    /// and splits from the start and treating assertions as passable (an
    /// over-approximation, which is what a skip test may use). nil when
    /// `match` is reachable without consuming, or every byte qualifies.
    private static func firstBytes(of program: PatternProgram) -> ByteSet? {
        var seen = [Bool](repeating: false, count: program.instructions.count)
        var pending = [0]
        var first = ByteSet()
        while let pc = pending.popLast() {
            if seen[pc] { continue }
            seen[pc] = true
            let instruction = program.instructions[pc]
            switch instruction.opcode {
            case .byte: first.insert(UInt8(instruction.argument))
            case .set: first.formUnion(program.sets[Int(instruction.argument)])
            case .split: pending.append(Int(instruction.argument)); pending.append(Int(instruction.alternative))
            case .jump: pending.append(Int(instruction.argument))
            case .assert: pending.append(pc + 1)
            case .match: return nil
            }
        }
        return first == ByteSet.all ? nil : first
    }
}
