/// Command line of ringway-microbench.
struct MicrobenchOptions {
    static let usage = """
        usage: ringway-microbench [--rounds N] [--round-ms MS] [--filter TEXT] [--json FILE] [--list]

          --rounds N      timed rounds per benchmark; the median is reported (default 15)
          --round-ms MS   target length of one round (default 20)
          --filter TEXT   run only benchmarks whose name contains TEXT
          --json FILE     also write the results as JSON to FILE
          --list          print the benchmark names and exit
        """

    var rounds = 15
    var roundMilliseconds = 20
    var filter: String?
    var jsonPath: String?
    var listOnly = false

    enum ParseError: Error, CustomStringConvertible {
        case help
        case invalid(String)
        var description: String {
            switch self {
            case .help: return MicrobenchOptions.usage
            case .invalid(let message): return "ringway-microbench: \(message)\n\n\(MicrobenchOptions.usage)"
            }
        }
    }

    init(_ arguments: [String]) throws(ParseError) {
        var rest = arguments[...]
        func value(_ flag: String) throws(ParseError) -> String {
            guard let value = rest.popFirst() else { throw .invalid("\(flag) needs a value") }
            return value
        }
        func positive(_ flag: String) throws(ParseError) -> Int {
            let text = try value(flag)
            guard let n = Int(text), n > 0 else { throw .invalid("\(flag) wants a positive integer, got '\(text)'") }
            return n
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--rounds": rounds = try positive(flag)
            case "--round-ms": roundMilliseconds = try positive(flag)
            case "--filter": filter = try value(flag)
            case "--json": jsonPath = try value(flag)
            case "--list": listOnly = true
            case "-h", "--help": throw .help
            default: throw .invalid("unknown argument '\(flag)'")
            }
        }
    }
}
