import CRingwayEngine
import Foundation

/// `ringway` entry point: picks the subcommand; each reports bad input as one
/// line on stderr and a non-zero exit.
let arguments = Array(CommandLine.arguments.dropFirst())

switch arguments.first {
case nil, "-h", "--help", "help":
    print(Usage.text)
case "-V", "--version", "version":
    print("ringway \(RingwayVersion.string) (\(String(cString: rw_tls_library_version())))")
case "serve":
    do {
        let plan = try ServeOptions.parse(Array(arguments.dropFirst()))
        exit(Server.run(plan))
    } catch {
        if error.wantsHelp {
            print(Usage.serveText)
            exit(0)
        }
        FileHandle.standardError.write(Data("ringway: \(error.message)\n".utf8))
        exit(2)
    }
case "check":
    exit(CheckCommand.run(Array(arguments.dropFirst())))
case "top":
    exit(TopCommand.run(Array(arguments.dropFirst())))
default:
    FileHandle.standardError.write(Data("ringway: unknown command '\(arguments[0])' (try 'ringway --help')\n".utf8))
    exit(2)
}
