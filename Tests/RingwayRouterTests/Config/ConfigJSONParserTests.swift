import Testing
@testable import RingwayRouter

/// The config parser is strict RFC 8259, keeps member order and positions,
/// and names each syntax mistake where it is.
@Suite struct ConfigJSONParserTests {
    static func parse(_ text: String) -> (ConfigJSON?, [ConfigError]) {
        let source = ConfigSource(Array(text.utf8))
        let (root, errors) = ConfigJSONParser.parse(source)
        return (root, errors)
    }

    @Test func membersKeepFileOrderAndPositions() throws {
        let text = "{\n  \"zeta\": 1,\n  \"alpha\": [true, null, \"x\"],\n  \"mid\": {\"k\": -1.5e3}\n}"
        let (root, errors) = Self.parse(text)
        #expect(errors.isEmpty)
        guard case .object(let members)? = root?.value else {
            Issue.record("expected an object")
            return
        }
        #expect(members.map(\.key) == ["zeta", "alpha", "mid"])
        let source = ConfigSource(Array(text.utf8))
        #expect(source.position(of: members[1].keyOffset) == (3, 3))
        #expect(source.position(of: members[1].value.offset) == (3, 12))
        guard case .object(let inner) = members[2].value.value, case .number(let number) = inner[0].value.value else {
            Issue.record("expected a nested number")
            return
        }
        #expect(number == ConfigNumber(text: "-1.5e3", isInteger: false))
        #expect(number.double == -1500)
    }

    @Test func stringsDecodeEveryEscapeAndSurrogatePairs() {
        let (root, errors) = Self.parse(#"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\ud83d\ude00", "é😀"]"#)
        #expect(errors.isEmpty)
        #expect(root?.value == .array([
            ConfigJSON(value: .string("a\"b\\c/d\u{8}\u{c}\n\r\t"), offset: 1),
            ConfigJSON(value: .string("é😀"), offset: 25),
            ConfigJSON(value: .string("é😀"), offset: 47),
        ]))
    }

    @Test func columnsCountCharactersNotBytes() {
        let text = "{\"é😀\": tru}"
        let (_, errors) = Self.parse(text)
        #expect(errors.first?.column == 8)
    }

    @Test func aByteOrderMarkIsIgnored() {
        let (root, errors) = Self.parse("\u{FEFF}{}")
        #expect(errors.isEmpty)
        #expect(root?.value == .object([]))
    }

    @Test func duplicateKeysAreErrorsAndTheFirstValueIsKept() {
        let text = "{\n  \"pools\": {\"a\": 1, \"a\": 2},\n  \"pools\": 3\n}"
        let (root, errors) = Self.parse(text)
        #expect(errors == [
            ConfigError(path: "pools.a", line: 2, column: 21, reason: "duplicate key \"a\" (first at line 2, column 13)"),
            ConfigError(path: "pools", line: 3, column: 3, reason: "duplicate key \"pools\" (first at line 2, column 3)"),
        ])
        guard case .object(let members)? = root?.value, case .object(let pools) = members[0].value.value else {
            Issue.record("expected the first value to be kept")
            return
        }
        #expect(members.count == 1)
        #expect(pools.count == 1)
    }

    @Test(arguments: [
        ("{\"a\": 1,}", 1, 8, "", "trailing comma before '}' (JSON allows none)"),
        ("[1, 2,]", 1, 6, "", "trailing comma before ']' (JSON allows none)"),
        ("{\"a\": 1 // note\n}", 1, 9, "", "expected ',' or '}' after the value of \"a\", got '/'"),
        ("{// note\n}", 1, 2, "", "expected a member name in double quotes, got '/' (JSON has no comments)"),
        ("{'a': 1}", 1, 2, "", "expected a member name in double quotes, got ''' (JSON strings use double quotes)"),
        ("{a: 1}", 1, 2, "", "expected a member name in double quotes, got 'a' (names need double quotes)"),
        ("{\"a\" 1}", 1, 6, "", "expected ':' after \"a\", got '1'"),
        ("{\"a\": 012}", 1, 7, "a", "numbers cannot have leading zeros"),
        ("{\"a\": 1.}", 1, 9, "a", "expected a digit after '.'"),
        ("{\"a\": 1e}", 1, 9, "a", "expected a digit in the exponent"),
        ("{\"a\": -x}", 1, 8, "a", "expected a digit after '-'"),
        ("{\"a\": +1}", 1, 7, "a", "invalid value '+1' (strings need double quotes; literals are true, false and null)"),
        ("{\"a\": .5}", 1, 7, "a", "invalid value '.5' (strings need double quotes; literals are true, false and null)"),
        ("{\"a\": True}", 1, 7, "a", "invalid value 'True' (strings need double quotes; literals are true, false and null)"),
        ("{\"a\": NaN}", 1, 7, "a", "invalid value 'NaN' (strings need double quotes; literals are true, false and null)"),
        ("{\"a\": 1e999}", 1, 7, "a", "number 1e999 is too large"),
        ("{\"a\": \"x\\q\"}", 1, 9, "a", "invalid escape '\\q' in a string"),
        ("{\"a\": \"\\u12G4\"}", 1, 8, "a", "expected four hex digits after \\u"),
        ("{\"a\": \"\\ud800\"}", 1, 8, "a", "unpaired UTF-16 surrogate \\uD800 in a string"),
        ("{\"a\": \"\\udc00\"}", 1, 8, "a", "unpaired UTF-16 surrogate \\uDC00 in a string"),
        ("{\"a\": \"x\ty\"}", 1, 9, "a", "unescaped control character U+0009 in a string"),
        ("{\"a\": \"abc\n\"}", 1, 11, "a", "line break inside a string (missing closing '\"'?)"),
        ("{\"a\": \"abc", 1, 7, "a", "unterminated string (no closing '\"' before end of file)"),
        ("{\"a\": [1, 2}", 1, 12, "a", "expected ',' or ']' after element 1, got '}'"),
        ("{\"a\": 1} {}", 1, 10, "", "unexpected '{' after the end of the top-level value"),
        ("{\"a\": ", 1, 7, "a", "expected a value, got end of file"),
        ("", 1, 1, "", "the file is empty; expected a JSON object"),
        ("  \n ", 2, 2, "", "the file is empty; expected a JSON object"),
        ("{\"pools\": {\"vllm\": {\"endpoints\": [\"x\" \"y\"]}}}", 1, 39, "pools.vllm.endpoints",
         "expected ',' or ']' after element 0, got '\"'"),
    ])
    func syntaxErrorsArePrecise(text: String, line: Int, column: Int, path: String, reason: String) {
        let (root, errors) = Self.parse(text)
        #expect(root == nil)
        #expect(errors == [ConfigError(path: path, line: line, column: column, reason: reason)])
    }

    @Test func invalidUTF8InAStringIsRefused() {
        var bytes = Array("{\"a\": \"x".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("\"}".utf8)
        let (root, errors) = ConfigJSONParser.parse(ConfigSource(bytes))
        #expect(root == nil)
        #expect(errors == [ConfigError(path: "a", line: 1, column: 9, reason: "invalid UTF-8 byte 0xC3 in a string")])
    }

    @Test func overlongAndSurrogateEncodingsAreRefused() {
        for bad: [UInt8] in [[0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF]] {
            let bytes = Array("[\"".utf8) + bad + Array("\"]".utf8)
            let (root, errors) = ConfigJSONParser.parse(ConfigSource(bytes))
            #expect(root == nil)
            #expect(errors.first?.reason.hasPrefix("invalid UTF-8 byte") == true)
        }
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 70) + String(repeating: "]", count: 70)
        let (root, errors) = Self.parse(deep)
        #expect(root == nil)
        #expect(errors.first?.reason == "nesting is deeper than 64 levels")
        let fine = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect(Self.parse(fine).1.isEmpty)
    }

    @Test func aSyntaxErrorEndsDecodingWithThatErrorOnly() {
        let errors = ConfigTest.errors("{\"pools\": {}, \"listen\": 'x'}")
        #expect(errors.count == 1)
        #expect(errors.first?.path == "listen")
    }
}
