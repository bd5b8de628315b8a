#if RINGWAY_LIBFUZZER
/// The libFuzzer build (tools/fuzz.sh passes -DRINGWAY_LIBFUZZER with
/// -sanitize=fuzzer,address).
///
/// libFuzzer normally supplies `main` itself, but SwiftPM links every
/// executable product with `--defsym main=<module>_main`, the module's own
/// entry point: without one the link fails, and with an empty one (a
/// main.swift holding only the callback) the binary exits at once without
/// fuzzing anything. So the module keeps a `@main` here too, and it hands
/// the command line to libFuzzer's driver, which then behaves exactly as
/// libFuzzer's own `main` would (corpus directories, -max_total_time, ...).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    HTTPFuzzTarget.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// `int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*cb)(const uint8_t *, size_t))`,
/// exported by libclang_rt.fuzzer since LLVM 13. Pointers and integers only,
/// so the Swift and C calling conventions agree on x86-64 and arm64.
@_silgen_name("LLVMFuzzerRunDriver")
func runLibFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@main
enum LibFuzzerMain {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        let status = runLibFuzzerDriver(&argc, &argv, fuzzOneInput)
        exit(status)
    }
}
#endif
