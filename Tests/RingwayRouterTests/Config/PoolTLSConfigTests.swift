import Foundation
import Testing
@testable import RingwayRouter

/// A pool's `"tls"` object: decoding, the CA file check and its errors.
@Suite struct PoolTLSConfigTests {
    /// A PEM file with one (syntactically valid) certificate block.
    static let pem = """
        -----BEGIN CERTIFICATE-----
        MIIBfjCCASOgAwIBAgIUKx1yG0y6k0c0b2uZ0s0dS8b3kZ8wCgYIKoZIzj0EAwIw
        FDESMBAGA1UEAwwJbG9jYWxob3N0MB4XDTI2MDEwMTAwMDAwMFoXDTI2MDEwMjAw
        -----END CERTIFICATE-----

        """

    static func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ringway-ca-\(UUID().uuidString).pem").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func pool(_ tls: String, endpoint: String = "https://api.example.com") -> String {
        """
        {
          "pools": {"p": {"endpoints": ["\(endpoint)"], "tls": \(tls)}},
          "models": {"m": {"pool": "p"}}
        }
        """
    }

    @Test func everyFieldDecodes() throws {
        let ca = try Self.file(Self.pem)
        defer { try? FileManager.default.removeItem(atPath: ca) }
        let config = try #require(ConfigTest.valid(Self.pool(#"{"ca_file": "\#(ca)", "server_name": "Internal.Example"}"#)))
        var expected = PoolTLSConfig()
        expected.caFile = ca
        expected.serverName = "internal.example"
        #expect(config.pools[0].tls == expected)
        #expect(config.pools[0].endpoints[0].tlsServerName == "api.example.com")

        let table = try RoutingTable.compile(config, version: 1, loadedAt: 0)
        #expect(table.pools[0].tls == expected)
        // The pool's server_name replaces the URL's host for SNI and checks.
        #expect(table.endpoints[0].tlsServerName == "internal.example")

        let insecure = try #require(ConfigTest.valid(Self.pool(#"{"insecure_skip_verify": true}"#)))
        #expect(insecure.pools[0].tls?.insecureSkipVerify == true)
    }

    @Test func httpsPoolsWithoutATLSObjectUseTheDefaults() throws {
        let config = try #require(ConfigTest.valid("""
            {"pools": {"h": {"endpoints": ["https://10.0.0.1:8443"]}, "p": {"endpoints": ["http://10.0.0.2:80"]}},
             "models": {"m": {"pool": "h"}}}
            """))
        let table = try RoutingTable.compile(config, version: 1, loadedAt: 0)
        #expect(table.pools[0].tls == PoolTLSConfig())
        #expect(table.endpoints[0].tlsServerName == "10.0.0.1")
        #expect(table.pools[1].tls == nil)
        #expect(table.endpoints[1].tlsServerName == nil)
    }

    @Test func aMissingCAFileIsReportedAtItsValue() {
        let json = Self.pool(#"{"ca_file": "/nonexistent/ca.pem"}"#)
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("pools.p.tls.ca_file", at: "\"/nonexistent", in: json,
                             "cannot read CA file \"/nonexistent/ca.pem\": No such file or directory"),
        ])
    }

    @Test func aFileThatIsNotPEMIsRefused() throws {
        let key = try Self.file("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n")
        defer { try? FileManager.default.removeItem(atPath: key) }
        let json = Self.pool(#"{"ca_file": "\#(key)"}"#)
        #expect(ConfigTest.errors(json).map(\.reason) == [
            "CA file \"\(key)\" holds no PEM certificate (expected a \"-----BEGIN CERTIFICATE-----\" block)",
        ])
    }

    @Test func pemStructureChecks() {
        #expect(PEMBundleCheck.problem(pem: Array(Self.pem.utf8)) == nil)
        #expect(PEMBundleCheck.problem(pem: Array((Self.pem + Self.pem).utf8)) == nil)
        #expect(PEMBundleCheck.problem(pem: Array("-----BEGIN CERTIFICATE-----\nAAAA\n".utf8))
            == "has certificate 1 without its \"-----END CERTIFICATE-----\" line")
        #expect(PEMBundleCheck.problem(pem: Array("-----BEGIN CERTIFICATE-----\nAA*A\n-----END CERTIFICATE-----\n".utf8))
            == "has certificate 1 with a byte that is not base64 (0x2a)")
        #expect(PEMBundleCheck.problem(pem: Array("-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n".utf8))
            == "has certificate 1 whose base64 is cut short (3 characters)")
        #expect(PEMBundleCheck.problem(pem: [0x30, 0x82, 0x01]) != nil)
    }

    @Test func fieldErrors() {
        let json = Self.pool(#"{"ca_fil": "x", "insecure_skip_verify": "yes", "server_name": "bad_name"}"#)
        #expect(ConfigTest.errors(json) == [
            ConfigTest.error("pools.p.tls.ca_fil", at: "\"ca_fil\"", in: json, "unknown field \"ca_fil\" (did you mean \"ca_file\"?)"),
            ConfigTest.error("pools.p.tls.insecure_skip_verify", at: "\"yes\"", in: json, "expected true or false, got string \"yes\""),
            ConfigTest.error("pools.p.tls.server_name", at: "\"bad_name\"", in: json,
                             "expected a host name or an IP address, got \"bad_name\""),
        ])
        let wrongType = Self.pool("true")
        #expect(ConfigTest.errors(wrongType) == [
            ConfigTest.error("pools.p.tls", at: "true}", in: wrongType, "expected an object, got true"),
        ])
    }

    @Test func tlsOnAPlaintextPoolAndCAFileWithSkipVerifyAreMistakes() throws {
        let plain = Self.pool("{}", endpoint: "http://127.0.0.1:8000")
        #expect(ConfigTest.errors(plain) == [
            ConfigTest.error("pools.p.tls", at: "{}}", in: plain, "\"tls\" applies to https endpoints and this pool has none"),
        ])
        let ca = try Self.file(Self.pem)
        defer { try? FileManager.default.removeItem(atPath: ca) }
        let both = Self.pool(#"{"ca_file": "\#(ca)", "insecure_skip_verify": true}"#)
        #expect(ConfigTest.errors(both).map(\.reason) == [
            "\"ca_file\" has no effect with \"insecure_skip_verify\": true (nothing is verified)",
        ])
    }
}
