import Foundation
import RingwayIO
import Synchronization
@testable import RingwayProxy
@testable import RingwayRouter

/// Tables, randomness and waiting for the prober tests.
enum ProbeFixtures {
    static func health(intervalMs: Int = 20, timeoutMs: Int = 200, unhealthyAfter: Int = 2, healthyAfter: Int = 2,
                       path: String = "/health") -> HealthCheckConfig {
        var check = HealthCheckConfig()
        check.path = path
        check.intervalMs = intervalMs
        check.timeoutMs = timeoutMs
        check.unhealthyAfter = unhealthyAfter
        check.healthyAfter = healthyAfter
        return check
    }

    static func metrics(intervalMs: Int = 20, timeoutMs: Int = 200, flavor: MetricsFlavor = .vllm) -> MetricsScrapeConfig {
        var scrape = MetricsScrapeConfig()
        scrape.intervalMs = intervalMs
        scrape.timeoutMs = timeoutMs
        scrape.flavor = flavor
        return scrape
    }

    static func pool(_ name: String, _ addresses: [EndpointAddress], health: HealthCheckConfig? = nil,
                     metrics: MetricsScrapeConfig? = nil) -> PoolConfig {
        var pool = PoolConfig(name: name, endpoints: addresses.map { EndpointConfig(address: $0, url: url($0)) })
        pool.healthCheck = health
        pool.metrics = metrics
        return pool
    }

    static func url(_ address: EndpointAddress) -> String {
        switch address {
        case .http(let host, let port): return "http://\(host):\(port)"
        case .https(let host, let port): return "https://\(host):\(port)"
        case .unix(let path): return "unix:\(path)"
        }
    }

    static func table(_ pools: [PoolConfig], version: Int = 1, previous: RoutingTable? = nil) -> RoutingTable {
        var config = RouterConfig()
        config.pools = pools
        return try! RoutingTable.compile(config, version: version, loadedAt: 0, previous: previous)
    }

    /// Polls `condition` every 5 ms until it holds or `timeoutMs` passes.
    static func waitUntil(timeoutMs: Int = 2000, _ condition: () -> Bool) -> Bool {
        let deadline = monotonicNanoseconds() + UInt64(timeoutMs) * 1_000_000
        while monotonicNanoseconds() < deadline {
            if condition() { return true }
            usleep(5_000)
        }
        return condition()
    }
}

/// What the prober logged, for assertions.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    var sink: @Sendable (String) -> Void { { [self] line in lines.withLock { $0.append(line) } } }
}

/// splitmix64: reproducible jitter in schedule tests.
struct FixedRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
