import Foundation
import Glibc

/// A throwaway CA, a server certificate it signed (for localhost and
/// 127.0.0.1) and a second, unrelated CA, made with the `openssl` CLI once
/// per test process (EC P-256: fast) into a temporary directory that is
/// removed at exit.
final class TestCertificates: Sendable {
    let directory: String
    var authority: String { directory + "/ca.pem" }
    var otherAuthority: String { directory + "/other-ca.pem" }
    var serverCertificate: String { directory + "/server.pem" }
    var serverKey: String { directory + "/server.key" }

    private static let shared: Result<TestCertificates, E2EError> = Result { try TestCertificates() }
        .mapError { $0 as? E2EError ?? E2EError("\($0)") }

    static func get() throws -> TestCertificates {
        let made = try shared.get()
        _ = removeAtExit
        return made
    }

    private static let removeAtExit: Void = {
        atexit {
            if case .success(let made) = TestCertificates.shared {
                try? FileManager.default.removeItem(atPath: made.directory)
            }
        }
    }()

    private init() throws {
        var template = Array("/tmp/ringway-e2e-tls-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw E2EError("mkdtemp failed: errno \(errno)") }
        directory = String(cString: made)
        let d = directory
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        let caExtensions = ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]
        try Self.openssl(["req", "-x509"] + ec + ["-days", "2", "-subj", "/CN=Ringway Test CA"] + caExtensions
            + ["-keyout", "\(d)/ca.key", "-out", "\(d)/ca.pem"])
        try Self.openssl(["req", "-x509"] + ec + ["-days", "2", "-subj", "/CN=Unrelated Test CA"] + caExtensions
            + ["-keyout", "\(d)/other-ca.key", "-out", "\(d)/other-ca.pem"])
        try Self.openssl(["req"] + ec + ["-subj", "/CN=localhost", "-keyout", "\(d)/server.key", "-out", "\(d)/server.csr"])
        let extensions = """
            subjectAltName=DNS:localhost,IP:127.0.0.1
            basicConstraints=CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=serverAuth

            """
        try extensions.write(toFile: "\(d)/server.ext", atomically: true, encoding: .utf8)
        try Self.openssl(["x509", "-req", "-in", "\(d)/server.csr", "-CA", "\(d)/ca.pem", "-CAkey", "\(d)/ca.key",
                          "-CAcreateserial", "-days", "2", "-extfile", "\(d)/server.ext", "-out", "\(d)/server.pem"])
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let start = monotonicNanos()
        while process.isRunning {
            if millisSince(start) > 30_000 {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw E2EError("openssl \(arguments.joined(separator: " ")) took over 30 s")
            }
            sleepMillis(5)
        }
        guard process.terminationStatus == 0 else {
            let text = String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
            throw E2EError("openssl \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text)")
        }
    }
}
