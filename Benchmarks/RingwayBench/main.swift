import Foundation
import RingwayBenchCore
import RingwayMockUpstream

#if canImport(Glibc)
import Glibc
#endif

let usage = """
    ringway-bench — benchmark tool for Ringway

    usage: ringway-bench load [options]     drive HTTP/1.1 load and report latency percentiles
           ringway-bench upstream [options] mock OpenAI-style inference server (--help: options)
           ringway-bench overhead [options] latency/CPU/RSS a proxy adds over direct (--help: options)
           ringway-bench load --help        options of the load generator
           ringway-bench --help

    """

/// One line on stderr, then exit 2: the convention for a command-line mistake.
func usageFailure(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ringway-bench: \(message)\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else {
    usageFailure("missing command (try ringway-bench --help)")
}
arguments.removeFirst()

switch command {
case "--help", "-h", "help":
    print(usage + "\n" + LoadCommandLine.usage)
    exit(0)
case "load":
    if arguments.contains("--help") || arguments.contains("-h") {
        print(LoadCommandLine.usage)
        exit(0)
    }
    exit(LoadCommand.run(arguments))
case "upstream":
    exit(MockUpstreamCommand.run(arguments))
case "overhead":
    if arguments.contains("--help") || arguments.contains("-h") {
        print(OverheadCommandLine.usage)
        exit(0)
    }
    exit(OverheadCommand.run(arguments))
default:
    usageFailure("unknown command '\(command)' (try ringway-bench --help)")
}
