import Synchronization
import Testing
@testable import RingwayRouter

#if canImport(Glibc)
import Glibc
#endif

@Suite struct PoolConcurrencyTests {
    @Test func acquiresUpToTheLimit() {
        let pool = PoolConcurrency(limit: 2)
        let first = pool.tryAcquire()
        let second = pool.tryAcquire()
        let third = pool.tryAcquire()
        #expect(first && second && !third)
        #expect(pool.inFlight == 2)
        pool.release()
        let again = pool.tryAcquire()
        #expect(again)
    }

    @Test func neverExceedsTheLimitAcrossThreads() {
        let pool = PoolConcurrency(limit: 5)
        let peak = Atomic<Int>(0)
        let acquired = Atomic<Int>(0)
        let threads = 4
        let rounds = 20_000
        final class Work: @unchecked Sendable {
            let body: () -> Void
            init(_ body: @escaping () -> Void) { self.body = body }
        }
        let work = Work {
            for _ in 0..<rounds where pool.tryAcquire() {
                acquired.add(1, ordering: .relaxed)
                let now = pool.inFlight
                var seen = peak.load(ordering: .relaxed)
                while now > seen {
                    let (done, original) = peak.compareExchange(expected: seen, desired: now, ordering: .relaxed)
                    if done { break }
                    seen = original
                }
                pool.release()
            }
        }
        var handles: [pthread_t] = []
        for _ in 0..<threads {
            var handle = pthread_t()
            let context = Unmanaged.passRetained(work).toOpaque()
            let created = pthread_create(&handle, nil, { context in
                let work = Unmanaged<Work>.fromOpaque(context!).takeRetainedValue()
                work.body()
                return nil
            }, context)
            #expect(created == 0)
            handles.append(handle)
        }
        for handle in handles { pthread_join(handle, nil) }
        #expect(peak.load(ordering: .relaxed) <= 5)
        #expect(acquired.load(ordering: .relaxed) > 0)
        #expect(pool.inFlight == 0)
    }
}
