import Foundation

/// Reads a config file whole, turning every way that can fail into one
/// sentence that names the file and the cause (`errno`'s text).
enum ConfigFile {
    /// A config is a few kilobytes; anything this large is the wrong file.
    static let maxBytes = 16 << 20

    static func read(_ path: String) -> Result<[UInt8], ConfigError> {
        func failure(_ reason: String) -> Result<[UInt8], ConfigError> {
            .failure(ConfigError(path: "", line: 0, column: 0, reason: "cannot read config file \(ConfigText.quoted(path)): \(reason)"))
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return failure(String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return failure(String(cString: strerror(errno))) }
        if info.st_mode & S_IFMT == S_IFDIR { return failure("it is a directory") }
        if info.st_size > maxBytes { return failure("it is \(info.st_size) bytes; a config file may be at most \(maxBytes)") }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return failure(String(cString: strerror(errno)))
            }
            if count == 0 { return .success(bytes) }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maxBytes { return failure("it is larger than \(maxBytes) bytes") }
        }
    }
}
