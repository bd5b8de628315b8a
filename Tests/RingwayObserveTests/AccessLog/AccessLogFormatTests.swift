import Foundation
import Testing
@testable import RingwayObserve

@Suite("Access log line format")
struct AccessLogFormatTests {
    @Test func fullRecordIsTheExactLine() throws {
        var r = AccessLogFixture.record()
        r.keyIndex = 1
        r.modelServed = 0
        r.pool = 0
        r.endpoint = 1
        r.rule = 0
        r.reason = .rule
        r.attempts = 2
        r.bytesIn = 312
        r.bytesOut = 1024
        r.promptTokens = 12
        r.completionTokens = 48
        r.ttftNs = 150_000_000
        r.totalNs = 812_345_678
        r.overheadNs = 9_120
        r.stream = true
        r.traceIDHigh = 0x4bf9_2f35_77b3_4da6
        r.traceIDLow = 0xa3ce_929d_0e0e_4736
        r.spanID = 0x00f0_67aa_0ba9_02b7
        let line = AccessLogLineFormatter.line(for: r, names: AccessLogFixture.names)
        let expected = #"{"time":"2025-11-25T12:51:03.123456Z","request_id":"req-1","key":"team \"b\"","model":"gpt-4o","#
            + #""model_served":"llama-70b","pool":"gpu","endpoint":"gpu-2","rule":"long-context","reason":"rule","#
            + #""attempts":2,"status":200,"bytes_in":312,"bytes_out":1024,"prompt_tokens":12,"completion_tokens":48,"#
            + #""ttft_ns":150000000,"total_ns":812345678,"overhead_ns":9120,"stream":true,"#
            + #""trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"}"# + "\n"
        #expect(AccessLogFixture.text(line) == expected)

        let o = try AccessLogFixture.object(line)
        #expect(o["key"] as? String == "team \"b\"")
        #expect(o["endpoint"] as? String == "gpu-2")
        #expect((o["total_ns"] as? NSNumber)?.int64Value == 812_345_678)
        #expect(o["stream"] as? Bool == true)
        #expect(o["trace_id"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(o.count == 21)
    }

    @Test func missingValuesAreNull() throws {
        var r = AccessLogFixture.record(requestID: "", model: [])
        r.status = 502
        r.reason = .passthrough
        r.modelServed = 9  // out of range for the table
        let line = AccessLogLineFormatter.line(for: r, names: AccessLogFixture.names)
        let expected = #"{"time":"2025-11-25T12:51:03.123456Z","request_id":null,"key":null,"model":null,"#
            + #""model_served":null,"pool":null,"endpoint":null,"rule":null,"reason":"passthrough","#
            + #""attempts":0,"status":502,"bytes_in":0,"bytes_out":0,"prompt_tokens":null,"completion_tokens":null,"#
            + #""ttft_ns":null,"total_ns":0,"overhead_ns":0,"stream":false,"trace_id":null,"span_id":null}"# + "\n"
        #expect(AccessLogFixture.text(line) == expected)
        let o = try AccessLogFixture.object(line)
        #expect(o["request_id"] is NSNull && o["span_id"] is NSNull)
        #expect(o.count == 21)
    }

    @Test func everyReasonHasItsName() throws {
        for reason in AccessLogRoutingReason.allCases {
            var r = AccessLogFixture.record()
            r.reason = reason
            let o = try AccessLogFixture.object(AccessLogLineFormatter.line(for: r, names: nil))
            #expect(o["reason"] as? String == "\(reason)")
        }
    }

    @Test func oddBytesInTheModelAreEscaped() throws {
        // Invalid UTF-8 (lone continuation, overlong "/", surrogate, truncated
        // 3-byte sequence, 0xFF), C0 controls, DEL, a C1 control (NEL), quote,
        // backslash, and valid characters that must pass through untouched.
        let model: [UInt8] = [0x61, 0x80, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xE2, 0x82, 0xFF, 0x00, 0x01, 0x1F, 0x7F,
                              0xC2, 0x85, 0x09, 0x0A, 0x0D, 0x22, 0x5C, 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80, 0x7A]
        let r = AccessLogFixture.record(requestID: "id\u{1}\"x", model: model)
        let line = AccessLogLineFormatter.line(for: r, names: nil)
        let text = AccessLogFixture.text(line)
        let replacement = String(repeating: "\u{FFFD}", count: 9)
        let escapedModel = "\"a" + replacement + #"\u0000\u0001\u001f\u007f\u0085\t\n\r\"\\"# + "é😀z\""
        #expect(text.contains("\"model\":" + escapedModel + ","))
        #expect(text.contains(#""request_id":"id\u0001\"x","#))
        #expect(line.filter { $0 < 0x20 } == [0x0A])  // one raw control byte: the final newline
        let o = try AccessLogFixture.object(line)
        #expect(o["model"] as? String == "a" + replacement + "\u{0}\u{1}\u{1F}\u{7F}\u{85}\t\n\r\"\\é😀z")
        #expect(o["request_id"] as? String == "id\u{1}\"x")
    }

    @Test func longValuesAreTruncatedOnACharacterBoundary() throws {
        let long = Array(repeating: UInt8(ascii: "m"), count: 127) + Array("é-and-more".utf8)
        let r = AccessLogFixture.record(requestID: String(repeating: "r", count: 100), model: long)
        let o = try AccessLogFixture.object(AccessLogLineFormatter.line(for: r, names: nil))
        #expect(o["model"] as? String == String(repeating: "m", count: 127))
        #expect(o["request_id"] as? String == String(repeating: "r", count: 64))
        let exact = AccessLogFixture.record(model: Array(repeating: UInt8(ascii: "x"), count: 200))
        exact.withModelAsked { #expect($0.count == 128) }
    }

    @Test func namesAreResolvedWithTheVersionThatRouted() {
        var history = AccessLogNameHistory(AccessLogFixture.names)
        history.add(AccessLogNames(version: 8, models: ["renamed"], pools: [], endpoints: [], rules: [], keys: []))
        #expect(history.table(for: 7)?.models.count == 2)
        #expect(history.table(for: 8)?.models.count == 1)
        #expect(history.table(for: 6) == nil)
        for v in 9...20 { history.add(.empty(version: UInt64(v))) }
        #expect(history.tables.count == AccessLogNameHistory.depth)
        #expect(history.table(for: 7) == nil && history.table(for: 20) != nil)
    }

    @Test func timestampsMatchFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var rng = UInt64(12345)
        var samples: [UInt64] = [0, 951_782_400_000_000_000 /* 2000-02-29 */, 4_102_444_799_999_999_999, 1_709_164_800_000_000_000]
        for _ in 0..<500 {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            samples.append(rng % 4_102_444_800_000_000_000)  // before 2100
        }
        for ns in samples {
            var out = AccessLogBuffer(capacity: 64)
            defer { out.deallocate() }
            AccessLogTimestamp.append(ns, to: &out)
            let text = AccessLogFixture.text(Array(out.bytes))
            let seconds = formatter.string(from: Date(timeIntervalSince1970: Double(ns / 1_000_000_000)))
            let micros = String(format: "%06d", Int(ns % 1_000_000_000 / 1_000))
            #expect(text == seconds.dropLast() + "." + micros + "Z")
        }
    }
}

@Suite("Access log wall clock")
struct AccessLogWallClockTests {
    @Test func agreesWithFoundation() {
        let ours = Double(AccessLogWallClock.nanoseconds()) / 1e9
        #expect(abs(ours - Date().timeIntervalSince1970) < 1)
    }
}
