#if canImport(Glibc)
import Glibc
#endif

/// `--pin`: keeps the calling process on a set of CPUs.
///
/// Swift's Glibc module map hides `sched_setaffinity` (it is a `_GNU_SOURCE`
/// declaration), so it is bound once with `dlsym`, like the epoll calls.
public enum CPUAffinity {
    typealias SetAffinity = @convention(c) (Int32, Int, UnsafeRawPointer?) -> Int32

    /// nil on success, else the reason (errno's text).
    public static func pin(to cpus: [Int]) -> String? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_setaffinity") else {
            return "sched_setaffinity is not available"
        }
        let setAffinity = unsafeBitCast(symbol, to: SetAffinity.self)
        // A cpu_set_t: 1024 bits, one per CPU.
        var mask = [UInt8](repeating: 0, count: 128)
        for cpu in cpus where cpu / 8 < mask.count { mask[cpu / 8] |= UInt8(1 << (cpu % 8)) }
        let result = mask.withUnsafeBytes { setAffinity(0, $0.count, $0.baseAddress) }
        return result == 0 ? nil : String(cString: strerror(errno))
    }
}
