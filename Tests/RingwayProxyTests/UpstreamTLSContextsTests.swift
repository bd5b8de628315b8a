import Foundation
import Testing
import RingwayIO
@testable import RingwayProxy
@testable import RingwayRouter

/// The shared TLS contexts: one per distinct pool setting, rebuilt when the
/// CA file changes, and a CA file OpenSSL cannot load named with its pool.
@Suite struct UpstreamTLSContextsTests {
    static func tempFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ringway-ctx-\(UUID().uuidString).pem").path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    static func table(_ tls: PoolTLSConfig?) -> RoutingTable {
        var pool = PoolConfig(name: "hosted", endpoints: [EndpointConfig(address: .https(host: "10.0.0.1", port: 443),
                                                                        url: "https://10.0.0.1")])
        pool.tls = tls
        var config = RouterConfig()
        config.pools = [pool, PoolConfig(name: "local", endpoints: [EndpointConfig(address: .http(host: "10.0.0.2", port: 80),
                                                                                  url: "http://10.0.0.2:80")])]
        return try! RoutingTable.compile(config, version: 1, loadedAt: 0)
    }

    @Test func oneContextPerSettingSharedAcrossTables() throws {
        let contexts = UpstreamTLSContexts()
        let a = try contexts.context(for: PoolTLSConfig()).get()
        let b = try contexts.context(for: PoolTLSConfig()).get()
        #expect(a === b)
        var insecure = PoolTLSConfig()
        insecure.insecureSkipVerify = true
        #expect(try contexts.context(for: insecure).get() !== a)
        // The server name is per endpoint, not per context.
        var named = PoolTLSConfig()
        named.serverName = "api.example.com"
        #expect(try contexts.context(for: named).get() === a)

        let perPool = contexts.contexts(for: Self.table(nil))
        #expect(perPool.count == 2)
        #expect(try perPool[0]?.get() === a)
        #expect(perPool[1] == nil, "a plaintext pool has no context")
    }

    @Test func aCAFileOpenSSLRefusesIsNamedWithItsPool() throws {
        let fake = try Self.tempFile("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
        defer { try? FileManager.default.removeItem(atPath: fake) }
        var tls = PoolTLSConfig()
        tls.caFile = fake
        let problems = UpstreamTLSContexts().problems(in: Self.table(tls))
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("pools.hosted.tls.ca_file: cannot load CA file \(fake)") == true, "\(problems)")
    }

    @Test func aChangedCAFileIsLoadedAgain() throws {
        let bundle = "/etc/ssl/certs/ca-certificates.crt"
        guard let good = FileManager.default.contents(atPath: bundle) else { return }  // no system bundle here
        let path = try Self.tempFile("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var tls = PoolTLSConfig()
        tls.caFile = path
        let contexts = UpstreamTLSContexts()
        guard case .failure = contexts.context(for: tls) else {
            Issue.record("a certificate block of garbage loaded")
            return
        }
        // Fixed on disk (a reload would now succeed without a restart).
        try good.write(to: URL(fileURLWithPath: path))
        let first = try contexts.context(for: tls).get()
        #expect(try contexts.context(for: tls).get() === first, "unchanged file: the same context")
    }
}
