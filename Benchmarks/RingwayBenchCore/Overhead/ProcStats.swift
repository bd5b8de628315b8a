import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Readings from /proc about the processes a proxy runs as.
enum ProcStats {
    /// CPU time of every thread of `pid`, ns (schedstat's first field), 0 if gone.
    static func cpuNanoseconds(_ pid: Int32) -> UInt64 {
        let taskDirectory = "/proc/\(pid)/task"
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: taskDirectory) else { return 0 }
        var total: UInt64 = 0
        for task in tasks {
            guard let text = read("\(taskDirectory)/\(task)/schedstat"),
                let first = text.split(separator: " ").first, let value = UInt64(first)
            else { continue }
            total += value
        }
        return total
    }

    static func cpuNanoseconds(_ pids: [Int32]) -> UInt64 { pids.reduce(0) { $0 + cpuNanoseconds($1) } }

    /// VmHWM (peak resident set) of `pid`, KiB.
    static func peakRSSKiB(_ pid: Int32) -> UInt64? {
        guard let status = read("/proc/\(pid)/status") else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return line.split(separator: " ").dropFirst().first.flatMap { UInt64($0) }
        }
        return nil
    }

    /// `pid` and all its descendants (via /proc/PID/task/TID/children).
    static func processTree(_ pid: Int32) -> [Int32] {
        var result: [Int32] = []
        var queue = [pid]
        while let next = queue.popLast() {
            guard !result.contains(next) else { continue }
            result.append(next)
            let taskDirectory = "/proc/\(next)/task"
            for task in (try? FileManager.default.contentsOfDirectory(atPath: taskDirectory)) ?? [] {
                let children = read("\(taskDirectory)/\(task)/children") ?? ""
                queue += children.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            }
        }
        return result
    }

    /// Processes holding a socket listening on 127.0.0.1/0.0.0.0:`port`: the inodes come
    /// from /proc/net/tcp (state 0A), their owners from /proc/*/fd links `socket:[inode]`.
    static func listeningPIDs(port: UInt16, among candidates: [Int32]? = nil) -> [Int32] {
        let hexPort = String(format: "%04X", port)
        var inodes = Set<String>()
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            for line in (read(table) ?? "").split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, fields[3] == "0A", fields[1].hasSuffix(":" + hexPort) else { continue }
                inodes.insert("socket:[\(fields[9])]")
            }
        }
        guard !inodes.isEmpty else { return [] }
        let pids = candidates
            ?? ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }
        var owners: [Int32] = []
        for pid in pids {
            let fdDirectory = "/proc/\(pid)/fd"
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: fdDirectory) else { continue }
            for fd in fds {
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fdDirectory)/\(fd)"),
                    inodes.contains(target)
                {
                    owners.append(pid)
                    break
                }
            }
        }
        return owners
    }

    /// The whole file (procfs files report size 0, so read until EOF).
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let got = Glibc.read(fd, &buffer, buffer.count)
            if got <= 0 { break }
            bytes.append(contentsOf: buffer[..<got])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
