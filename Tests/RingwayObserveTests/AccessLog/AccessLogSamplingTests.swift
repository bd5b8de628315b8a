import Testing
@testable import RingwayObserve

@Suite("Access log sampling")
struct AccessLogSamplingTests {
    @Test(arguments: [0.01, 0.1, 0.25, 0.5, 0.9])
    func keepsTheConfiguredFraction(_ rate: Double) {
        let sampling = AccessLogSampling(rate: rate)
        let n = 100_000
        var kept = 0
        for i in 0..<n where sampling.keeps(AccessLogFixture.record(requestID: "req-\(i)")) { kept += 1 }
        let observed = Double(kept) / Double(n)
        // Binomial standard deviation is at most 0.0016 here; allow ~4 sigma.
        #expect(abs(observed - rate) < 0.006, "rate \(rate): kept \(observed)")
    }

    @Test func theDecisionDependsOnlyOnTheRequestID() {
        let sampling = AccessLogSampling(rate: 0.5)
        for i in 0..<1000 {
            var a = AccessLogFixture.record(requestID: "r\(i)")
            var b = a
            a.timestampNs = 1
            b.timestampNs = 2
            b.bytesOut = 99
            #expect(sampling.keeps(a) == sampling.keeps(b))
        }
    }

    @Test func serverErrorsAreAlwaysKept() {
        let none = AccessLogSampling(rate: 0)
        let some = AccessLogSampling(rate: 0.01)
        for i in 0..<2000 {
            for status: UInt16 in [500, 502, 503, 504, 599] {
                let r = AccessLogFixture.record(requestID: "e\(i)", status: status)
                #expect(none.keeps(r) && some.keeps(r))
            }
            #expect(!none.keeps(AccessLogFixture.record(requestID: "e\(i)", status: 499)))
        }
    }

    @Test func boundsAndOddRates() {
        let all = AccessLogSampling(rate: 1)
        #expect(AccessLogSampling(rate: 7) == all)
        #expect(AccessLogSampling(rate: -1) == AccessLogSampling(rate: 0))
        #expect(AccessLogSampling(rate: .nan) == AccessLogSampling(rate: 0))
        for i in 0..<1000 { #expect(all.keeps(AccessLogFixture.record(requestID: "k\(i)"))) }
        // Without a request id the trace id and timestamp decide.
        var kept = 0
        let half = AccessLogSampling(rate: 0.5)
        for i in 0..<10_000 {
            var r = AccessLogFixture.record(requestID: "")
            r.timestampNs = UInt64(i) &* 1_000_003
            if half.keeps(r) { kept += 1 }
        }
        #expect(kept > 4_500 && kept < 5_500)
    }
}
