import Foundation
import Glibc
import Testing

/// Priority admission end to end: a pool limited to one request in flight.
extension EndToEnd {
    @Suite struct Priority {
        static func config(_ mock: BenchMock, maxWaiting: Int, timeoutMs: Int = 5_000) -> String {
            """
            {"admin": null,
             "pools": {"p": {"endpoints": ["\(mock.url)"], "max_concurrency": 1,
                             "queue": {"max_waiting": \(maxWaiting), "timeout_ms": \(timeoutMs)}}},
             "models": {"m": {"pool": "p"}}}
            """
        }

        /// Sends on its own connection; returns status and completion time.
        static func launch(_ proxy: ConfiguredProxy, priority: String, delayUs: Int, into results: Results,
                           group: DispatchGroup) {
            // A thread each: GCD's pool may hold blocked work back on 2 cores,
            // which would serialize the very requests meant to overlap.
            group.enter()
            Thread {
                defer { group.leave() }
                let response = try? proxy.send(chatRequest(
                    model: "m", headers: [("x-ringway-priority", priority), ("x-mock-ttft-us", "\(delayUs)")]))
                results.record(priority, status: response?.status ?? -1, retryAfter: response?.head.value("retry-after"))
            }.start()
        }

        @Test func waitingRequestsAreAdmittedByPriorityAndLowIsShedFirst() throws {
            let mock = try BenchMock()
            defer { mock.stop() }
            let proxy = try ConfiguredProxy(config: Self.config(mock, maxWaiting: 2))
            defer { proxy.stop() }
            let results = Results()
            let group = DispatchGroup()
            Self.launch(proxy, priority: "normal", delayUs: 400_000, into: results, group: group)  // holds the slot
            sleepMillis(100)
            Self.launch(proxy, priority: "low", delayUs: 1_000, into: results, group: group)       // waits
            sleepMillis(50)
            Self.launch(proxy, priority: "low", delayUs: 1_000, into: results, group: group)       // waits (queue full)
            sleepMillis(50)
            Self.launch(proxy, priority: "critical", delayUs: 1_000, into: results, group: group)  // sheds the newer low
            group.wait()
            let order = results.entries
            #expect(order.count == 4)
            // The shed low request is answered at once, with Retry-After.
            let shed = order.filter { $0.status == 429 }
            #expect(shed.count == 1 && shed.first?.priority == "low" && shed.first?.retryAfter == "1", "\(order)")
            let served = order.filter { $0.status == 200 }.map(\.priority)
            // Then: the slot holder, the critical one, the remaining low one.
            #expect(served == ["normal", "critical", "low"], "\(order)\n\(proxy.logs)")
        }

        @Test func aFallbackIntoASaturatedPoolIsAdmittedLikeAnyRequest() throws {
            let failing = try BenchMock(), limited = try BenchMock()
            defer { failing.stop(); limited.stop() }
            let proxy = try ConfiguredProxy(config: """
                {"admin": null,
                 "pools": {"a": {"endpoints": ["\(failing.url)"], "headers": {"x-mock-status": "503"}},
                           "b": {"endpoints": ["\(limited.url)"], "max_concurrency": 1,
                                 "queue": {"max_waiting": 0, "timeout_ms": 5000}}},
                 "models": {"m": {"pool": "a", "fallbacks": ["backup"]}, "backup": {"pool": "b"}},
                 "retry": {"max_attempts": 3, "backoff_ms": 0}}
                """)
            defer { proxy.stop() }
            // The backup pool's one slot is taken by a slow request of its own.
            let results = Results()
            let group = DispatchGroup()
            group.enter()
            Thread {
                defer { group.leave() }
                let r = try? proxy.send(chatRequest(model: "backup", headers: [("x-mock-ttft-us", "600000")]))
                results.record("holder", status: r?.status ?? -1, retryAfter: nil)
            }.start()
            sleepMillis(150)
            // "m" fails on pool a and falls back to the saturated pool b: it
            // is shed like any request there, not let past the limit.
            let shed = try proxy.send(chatRequest(model: "m"))
            #expect(shed.status == 429, "\(shed.text)")
            #expect(shed.head.value("retry-after") == "1")
            #expect(try limited.requestsSeen().count == 1, "the saturated pool received the fallback anyway")
            group.wait()
            #expect(results.entries.first?.status == 200)
            // With the slot free again, the same fallback is served.
            let served = try proxy.send(chatRequest(model: "m"))
            #expect(served.status == 200 && routeFields(served)["model"] == "backup", "\(served.text)")
        }

        @Test func requestsQueuedBeforeAReloadAreStillAdmitted() throws {
            let mock = try BenchMock()
            defer { mock.stop() }
            let proxy = try ConfiguredProxy(config: Self.config(mock, maxWaiting: 4))
            defer { proxy.stop() }
            let results = Results()
            let group = DispatchGroup()
            Self.launch(proxy, priority: "normal", delayUs: 500_000, into: results, group: group)  // holds the slot
            sleepMillis(100)
            Self.launch(proxy, priority: "high", delayUs: 1_000, into: results, group: group)      // queued
            sleepMillis(100)
            proxy.process.signal(SIGHUP)  // same file: a new table generation
            #expect(eventually(timeoutMs: 2_000) { proxy.logs.contains("config reloaded") })
            group.wait()
            #expect(results.entries.map(\.status) == [200, 200], "\(results.entries)\n\(proxy.logs)")
        }

        @Test func aRequestThatWaitsPastTheQueueTimeoutGets503() throws {
            let mock = try BenchMock()
            defer { mock.stop() }
            let proxy = try ConfiguredProxy(config: Self.config(mock, maxWaiting: 4, timeoutMs: 150))
            defer { proxy.stop() }
            let results = Results()
            let group = DispatchGroup()
            Self.launch(proxy, priority: "normal", delayUs: 600_000, into: results, group: group)
            sleepMillis(100)
            Self.launch(proxy, priority: "high", delayUs: 1_000, into: results, group: group)
            group.wait()
            let waited = results.entries.first { $0.priority == "high" }
            #expect(waited?.status == 503)
            #expect(waited?.retryAfter == "1")
            #expect(results.entries.first { $0.priority == "normal" }?.status == 200)
        }
    }
}

final class Results: @unchecked Sendable {
    struct Entry: CustomStringConvertible {
        var priority: String
        var status: Int
        var retryAfter: String?
        var description: String { "\(priority):\(status)" }
    }

    private var list: [Entry] = []
    private let lock = NSLock()
    func record(_ priority: String, status: Int, retryAfter: String?) {
        lock.lock()
        list.append(Entry(priority: priority, status: status, retryAfter: retryAfter))
        lock.unlock()
    }

    var entries: [Entry] { lock.lock(); defer { lock.unlock() }; return list }
}
