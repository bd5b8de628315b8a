import Testing
@testable import RingwayHTTP

/// Every class of invalid JSON (RFC 8259), with the offset of the first byte
/// that cannot continue a valid document.
@Suite("BodyInspection validation")
struct BodyInspectionValidationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var body: [UInt8]
        var reason: String
        var offset: Int64
        var testDescription: String { "\(text(body).debugDescription) -> \(reason) at \(offset)" }

        init(_ body: String, _ reason: String, at offset: Int64) {
            self.body = Array(body.utf8)
            self.reason = reason
            self.offset = offset
        }
        init(bytes: [UInt8], _ reason: String, at offset: Int64) {
            body = bytes
            self.reason = reason
            self.offset = offset
        }
    }

    static let notObject = "the request body must be a JSON object"
    static let truncated = "the body ends before the JSON object is complete"
    static let control = "unescaped control character in a string"
    static let escape = "invalid escape sequence in a string"
    static let hex = "expected 4 hex digits after \\u"
    static let utf8 = "invalid UTF-8 in a string"

    static let cases: [Case] = [
        // top level
        Case("", notObject, at: 0),
        Case("  \r\n", notObject, at: 4),
        Case("[]", notObject, at: 0),
        Case(" \"model\"", notObject, at: 1),
        Case("1", notObject, at: 0),
        Case("null", notObject, at: 0),
        Case("\u{0C}{}", notObject, at: 0),          // form feed is not JSON whitespace
        Case("\u{A0}{}", notObject, at: 0),
        Case("{}x", "unexpected data after the top-level object", at: 2),
        Case("{} {}", "unexpected data after the top-level object", at: 3),
        // structure
        Case("{", truncated, at: 1),
        Case("{\"a\"", truncated, at: 4),
        Case("{\"a\":", truncated, at: 5),
        Case("{\"a\":1", truncated, at: 6),
        Case("{\"a\":[1", truncated, at: 7),
        Case("{\"a\":\"x", truncated, at: 7),
        Case("{\"a\":\"x\\", truncated, at: 8),
        Case("{\"a\":\"\\u12", truncated, at: 10),
        Case("{\"a\":tr", truncated, at: 7),
        Case("{\"a\":1.", truncated, at: 7),
        Case("{a:1}", "expected a string key or '}'", at: 1),
        Case("{'a':1}", "expected a string key or '}'", at: 1),
        Case("{\"a\":1,}", "expected a string key after ','", at: 7),
        Case("{\"a\" 1}", "expected ':' after an object key", at: 5),
        Case("{\"a\"=1}", "expected ':' after an object key", at: 4),
        Case("{\"a\":}", "expected a value", at: 5),
        Case("{\"a\":[1,]}", "expected a value", at: 8),
        Case("{\"a\":[,1]}", "expected a value", at: 6),
        Case("{\"a\":+1}", "expected a value", at: 5),
        Case("{\"a\":.5}", "expected a value", at: 5),
        Case("{\"a\":1 2}", "expected ',' or '}' after an object member", at: 7),
        Case("{\"a\":1]", "expected ',' or '}' after an object member", at: 6),
        Case("{\"a\":[1}", "expected ',' or ']' after an array element", at: 7),
        Case("{\"a\":[1 2]}", "expected ',' or ']' after an array element", at: 8),
        Case("{\"a\":\"x\"\"y\"}", "expected ',' or '}' after an object member", at: 8),
        Case("{\"a\":1\u{0B}}", "expected ',' or '}' after an object member", at: 6),
        // strings
        Case("{\"a\":\"x\ny\"}", control, at: 7),
        Case("{\"a\":\"\u{00}\"}", control, at: 6),
        Case("{\"a\":\"\u{1F}\"}", control, at: 6),
        Case("{\"a\u{09}\":1}", control, at: 3),
        Case("{\"a\":\"\\x\"}", escape, at: 7),
        Case("{\"a\":\"\\U0041\"}", escape, at: 7),
        Case("{\"a\":\"\\'\"}", escape, at: 7),
        Case("{\"a\":\"\\u12G4\"}", hex, at: 10),
        Case("{\"a\":\"\\u12\"}", hex, at: 10),
        Case("{\"k\\q\":1}", escape, at: 4),
        Case(bytes: Array("{\"a\":\"".utf8) + [0x80] + Array("\"}".utf8), utf8, at: 6),
        Case(bytes: Array("{\"a\":\"".utf8) + [0xC0, 0xAF] + Array("\"}".utf8), utf8, at: 6),       // overlong '/'
        Case(bytes: Array("{\"a\":\"".utf8) + [0xC1, 0xBF] + Array("\"}".utf8), utf8, at: 6),
        Case(bytes: Array("{\"a\":\"".utf8) + [0xE0, 0x80, 0xAF] + Array("\"}".utf8), utf8, at: 7),  // overlong 3-byte
        Case(bytes: Array("{\"a\":\"".utf8) + [0xED, 0xA0, 0x80] + Array("\"}".utf8), utf8, at: 7),  // UTF-8 surrogate
        Case(bytes: Array("{\"a\":\"".utf8) + [0xF0, 0x8F, 0xBF, 0xBF] + Array("\"}".utf8), utf8, at: 7),
        Case(bytes: Array("{\"a\":\"".utf8) + [0xF4, 0x90, 0x80, 0x80] + Array("\"}".utf8), utf8, at: 7),  // > U+10FFFF
        Case(bytes: Array("{\"a\":\"".utf8) + [0xF5, 0x80, 0x80, 0x80] + Array("\"}".utf8), utf8, at: 6),
        Case(bytes: Array("{\"a\":\"".utf8) + [0xFF] + Array("\"}".utf8), utf8, at: 6),
        Case(bytes: Array("{\"a\":\"".utf8) + [0xE2, 0x82] + Array("\"}".utf8), utf8, at: 8),       // cut short
        Case(bytes: Array("{\"a\":\"".utf8) + [0xC3, 0xC3] + Array("\"}".utf8), utf8, at: 7),
        Case(bytes: Array("{\"".utf8) + [0xC3] + Array("\":1}".utf8), utf8, at: 3),                   // in a key
        Case(bytes: [0xEF, 0xBB, 0xBF] + Array("{}".utf8), notObject, at: 0),                          // BOM
        // numbers
        Case("{\"a\":01}", "leading zero in a number", at: 6),
        Case("{\"a\":-01}", "leading zero in a number", at: 7),
        Case("{\"a\":00}", "leading zero in a number", at: 6),
        Case("{\"a\":-}", "expected a digit after '-'", at: 6),
        Case("{\"a\":-a}", "expected a digit after '-'", at: 6),
        Case("{\"a\":--1}", "expected a digit after '-'", at: 6),
        Case("{\"a\":1.}", "expected a digit after the decimal point", at: 7),
        Case("{\"a\":1.e5}", "expected a digit after the decimal point", at: 7),
        Case("{\"a\":1e}", "expected a digit in the exponent", at: 7),
        Case("{\"a\":1e+}", "expected a digit in the exponent", at: 8),
        Case("{\"a\":1E-x}", "expected a digit in the exponent", at: 8),
        Case("{\"a\":0x10}", "expected ',' or '}' after an object member", at: 6),
        Case("{\"a\":1.5.2}", "expected ',' or '}' after an object member", at: 8),
        Case("{\"a\":[1,NaN]}", "expected a value", at: 8),
        Case("{\"a\":Infinity}", "expected a value", at: 5),
        // literals
        Case("{\"a\":tru}", "invalid literal (expected true, false or null)", at: 8),
        Case("{\"a\":True}", "expected a value", at: 5),
        Case("{\"a\":nul}", "invalid literal (expected true, false or null)", at: 8),
        Case("{\"a\":fals e}", "invalid literal (expected true, false or null)", at: 9),
        Case("{\"a\":nulll}", "expected ',' or '}' after an object member", at: 9),
        Case("{\"a\":truefalse}", "expected ',' or '}' after an object member", at: 9),
        // policy
        Case("{\"model\":\"a\",\"model\":\"b\"}", "duplicate \"model\" key", at: 13),
        Case("{\"model\":1,\"m\\u006fdel\":\"b\"}", "duplicate \"model\" key", at: 11),
        Case("{\"stream\":true,\"x\":1,\"stream\":false}", "duplicate \"stream\" key", at: 21),
    ]

    @Test(arguments: cases)
    func rejects(_ c: Case) {
        for outcome in [inspect(c.body), inspectBytewise(c.body)] {
            guard let error = outcome.error else {
                Issue.record("accepted: \(outcome)")
                continue
            }
            #expect(error.message == c.reason)
            #expect(error.offset == c.offset)
        }
    }

    @Test func descriptionNamesTheByte() {
        let error = inspect("{\"a\" 1}").error
        #expect(error?.description == "invalid JSON at byte 5: expected ':' after an object key")
        #expect(error?.isSyntaxError == true)
        let policy = inspect("{\"model\":\"a\",\"model\":\"b\"}").error
        #expect(policy?.description == "invalid request body at byte 13: duplicate \"model\" key")
        #expect(policy?.isSyntaxError == false)
    }

    @Test func failureIsSticky() {
        let inspector = RequestBodyInspector()
        inspector.reset(prefixBytes: 0)
        let first = feed(inspector, "{\"a\":01}")
        #expect(first == .failure(BodyInspectionError.leadingZero(at: 6)))
        #expect(feed(inspector, "{}") == first)
        #expect(inspector.finish() == first)
    }

    @Test func finishIsRepeatable() {
        let inspector = RequestBodyInspector()
        inspector.reset(prefixBytes: 0)
        #expect(feed(inspector, "{} ") == .needMore)
        #expect(inspector.finish() == .complete)
        #expect(inspector.finish() == .complete)
        #expect(feed(inspector, "\n") == .needMore)
        #expect(inspector.finish() == .complete)
    }

    @Test func validEdgeCases() {
        let valid = [
            "{\"a\":-0}", "{\"a\":0.0e0}", "{\"a\":1E+2}", "{\"a\":-1.5e-7}", "{\"a\":[[[]]],\"b\":{}}",
            "{\"\":\"\"}", "{\"a\":\"\\u0000\\uFFFF\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", "{\"a\":\"\u{7F}\u{10FFFF}\u{FFFD}\"}",
            "\t\n\r {\"a\" \t:\n[ 1 , 2 ] }\t\n\r ",
        ]
        for body in valid {
            #expect(inspect(body).step == .complete, "\(body.debugDescription)")
            #expect(inspectBytewise(bytes(body)).step == .complete, "\(body.debugDescription)")
        }
        let utf8Edges: [[UInt8]] = [[0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF],
                                    [0xEE, 0x80, 0x80], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF]]
        for seq in utf8Edges {
            let body = Array("{\"a\":\"".utf8) + seq + Array("\"}".utf8)
            #expect(inspect(body).step == .complete, "\(seq)")
            #expect(inspectBytewise(body).step == .complete, "\(seq)")
        }
    }
}
