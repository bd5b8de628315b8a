import Testing
@testable import RingwayHTTP

@Suite("Trace context")
struct TraceContextTests {
    static let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    static func parse(_ s: String) -> TraceContext? {
        Array(s.utf8).withUnsafeBytes { TraceContext.parse($0) }
    }

    static func value(_ c: TraceContext) -> String? {
        render(capacity: 55) { c.write(into: $0) }.map { text($0) }
    }

    @Test func parsesTheSpecExample() throws {
        let c = try #require(Self.parse(Self.valid))
        #expect(c.traceIDHigh == 0x4bf9_2f35_77b3_4da6)
        #expect(c.traceIDLow == 0xa3ce_929d_0e0e_4736)
        #expect(c.parentID == 0x00f0_67aa_0ba9_02b7)
        #expect(c.flags == 0x01)
        #expect(c.isSampled)
    }

    @Test(arguments: [
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", "not sampled"),
        ("00-00000000000000000000000000000001-0000000000000001-ff", "minimal ids, every flag"),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09", "unknown flag bits kept for 00"),
        ("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "future version, exact length"),
        ("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-will-be-like", "future version, extra fields"),
        ("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-", "future version, trailing dash"),
    ])
    func accepts(_ value: String, _ why: String) {
        #expect(Self.parse(value) != nil, "\(why)")
    }

    @Test(arguments: [
        ("", "empty"),
        ("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", "uppercase ids"),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A", "uppercase flags"),
        ("0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "uppercase version"),
        ("00-00000000000000000000000000000000-00f067aa0ba902b7-01", "all-zero trace id"),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "all-zero parent id"),
        ("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", "trace id one short"),
        ("00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01", "trace id one long"),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01", "parent id one short"),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1", "flags one short"),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-011", "flags one long"),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-", "version 00 with more after the flags"),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ", "version 00 with trailing space"),
        ("00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "underscore after version"),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01", "underscore after trace id"),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01", "underscore after parent id"),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7.01", "dot before flags"),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902g7-01", "non-hex in parent id"),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x", "non-hex flags"),
        ("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "version ff"),
        ("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", "version ff with extra"),
        ("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.extra", "future version, no dash before extra"),
        ("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0", "future version, too short"),
        ("cc-4bf92f3577b34da6a3ce929d0e0e4736-00000000000000000-01", "future version, zero parent"),
        ("0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "one-digit version"),
        ("zz-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "non-hex version"),
        (" 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "leading space"),
    ])
    func rejects(_ value: String, _ why: String) {
        #expect(Self.parse(value) == nil, "\(why)")
    }

    @Test func futureVersionKeepsOnlyTheSampledBit() throws {
        let c = try #require(Self.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0f-extra"))
        #expect(c.flags == 0x01)
        #expect(Self.value(c) == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    }

    @Test func roundTrip() throws {
        for s in [Self.valid, "00-00000000000000000000000000000001-0000000000000001-ff",
                  "00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-00"] {
            let c = try #require(Self.parse(s))
            #expect(Self.value(c) == s)
        }
        var random: UInt64 = 42
        for _ in 0..<1000 {
            let c = TraceContext.fresh(random: &random, flags: UInt8(truncatingIfNeeded: random))
            let s = try #require(Self.value(c))
            #expect(Self.parse(s) == c)
        }
    }

    @Test func childKeepsTraceAndFlagsWithANewSpan() throws {
        let parent = try #require(Self.parse(Self.valid))
        var random: UInt64 = 7
        var seen = Set<UInt64>()
        for _ in 0..<1000 {
            let c = parent.child(random: &random)
            #expect(c.traceIDHigh == parent.traceIDHigh && c.traceIDLow == parent.traceIDLow)
            #expect(c.flags == parent.flags)
            #expect(c.parentID != parent.parentID && c.parentID != 0)
            seen.insert(c.parentID)
        }
        #expect(seen.count == 1000)
    }

    @Test func freshIsValidAndDistinct() {
        var random: UInt64 = 0
        let a = TraceContext.fresh(random: &random)
        let b = TraceContext.fresh(random: &random)
        #expect(a.traceIDHigh | a.traceIDLow != 0 && a.parentID != 0 && a.flags == 0)
        #expect(a != b)
        #expect(TraceContext.fresh(random: &random, flags: 1).isSampled)
    }

    @Test func headerLineAndShortBuffers() throws {
        let c = try #require(Self.parse(Self.valid))
        let line = render(capacity: 70) { c.writeHeaderLine(into: $0) }.map { text($0) }
        #expect(line == "traceparent: \(Self.valid)\r\n")
        #expect(render(capacity: 54) { c.write(into: $0) } == nil)
        #expect(render(capacity: 69) { c.writeHeaderLine(into: $0) } == nil)
    }
}

@Suite("Trace context field")
struct TraceContextFieldTests {
    static func outgoing(_ request: String) -> (TraceContext, Bool)? {
        let p = parseRequest(request)
        guard case .complete = p.result else { Issue.record("parse: \(p.result)"); return nil }
        var random: UInt64 = 99
        return p.raw.withUnsafeBytes { TraceContextField.outgoing(headers: p.head.headers, source: $0, random: &random) }
    }

    @Test func continuesAValidTraceInAnyCase() throws {
        let (c, continued) = try #require(Self.outgoing(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\nTraceParent:  \(TraceContextTests.valid) \r\n"
            + "Content-Length: 0\r\n\r\n"))
        #expect(continued)
        #expect(c.traceIDHigh == 0x4bf9_2f35_77b3_4da6 && c.flags == 1 && c.parentID != 0x00f0_67aa_0ba9_02b7)
    }

    @Test(arguments: [
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\ntraceparent: 00-bad\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\ntraceparent: \(TraceContextTests.valid)\r\ntraceparent: \(TraceContextTests.valid)\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\ntraceparenx: \(TraceContextTests.valid)\r\n\r\n",
    ])
    func startsANewTraceOtherwise(_ request: String) throws {
        let (c, continued) = try #require(Self.outgoing(request))
        #expect(!continued)
        #expect(c.traceIDHigh != 0x4bf9_2f35_77b3_4da6 && c.flags == 0)
    }
}
