import Testing
@testable import RingwayRouter

@Suite struct BytePatternTests {
    static func compiled(_ pattern: String) throws -> BytePattern {
        try BytePattern.compile(pattern).get()
    }

    static let table: [(String, String, Bool)] = [
        // Literals and search anywhere.
        ("abc", "xxabcxx", true),
        ("abc", "abx", false),
        ("", "anything", true),
        ("", "", true),
        // Dot.
        ("a.c", "abc", true),
        ("a.c", "a\nc", false),
        ("a.c", "ac", false),
        // Classes.
        ("[a-z0-9_]+$", "hello_42", true),
        ("^[a-z]+$", "Hello", false),
        ("[^0-9]", "123", false),
        ("[^0-9]", "12a3", true),
        ("[]]", "a]b", true),
        ("[a-]", "-", true),
        ("[\\d.]+", "3.14", true),
        ("^[\\w-]+$", "foo-bar_1", true),
        ("[\\s]", "a\tb", true),
        // Escapes.
        ("\\d{3}-\\d{4}", "call 555-1234 now", true),
        ("\\d{3}-\\d{4}", "call 55-1234 now", false),
        ("\\w+@\\w+\\.com", "mail bob@example.com", true),
        ("\\s", "nospace", false),
        ("\\D", "123", false),
        ("\\W", "abc_1", false),
        ("\\S", "   ", false),
        ("a\\.b", "a.b", true),
        ("a\\.b", "axb", false),
        ("\\\\", "back\\slash", true),
        ("\\(x\\)", "f(x)", true),
        ("\\x41", "A", true),
        ("\\n", "line\nbreak", true),
        // Repetition.
        ("ab*c", "ac", true),
        ("ab+c", "ac", false),
        ("ab+c", "abbbc", true),
        ("ab?c", "abbc", false),
        ("^a{3}$", "aaa", true),
        ("^a{3}$", "aaaa", false),
        ("^a{2,}$", "a", false),
        ("^a{2,}$", "aaaaaa", true),
        ("^a{2,4}$", "aaaa", true),
        ("^a{2,4}$", "aaaaa", false),
        ("^a{0,2}$", "", true),
        ("^(ab){2}$", "abab", true),
        ("^(ab){2}$", "ab", false),
        ("a{,3}", "a{,3}", true),  // not a bound: literal, as in PCRE
        ("x{", "x{", true),
        ("^a*?b", "aaab", true),  // lazy accepted
        // Alternation and groups.
        ("cat|dog", "hotdog", true),
        ("cat|dog", "bird", false),
        ("^(cat|dog)s?$", "dogs", true),
        ("^(?:cat|dog)s?$", "cats", true),
        ("^(?:cat|dog)s?$", "cows", false),
        ("a(|b)c", "ac", true),
        ("(a|b)*c", "ababc", true),
        ("((a|b)c)+d", "acbcd", true),
        // Anchors.
        ("^abc", "abcdef", true),
        ("^abc", "xabc", false),
        ("abc$", "xxabc", true),
        ("abc$", "abcx", false),
        ("^$", "", true),
        ("^$", "x", false),
        ("$", "abc", true),
        ("a^b", "a^b", false),
        // Word boundaries.
        ("\\bcode\\b", "write code now", true),
        ("\\bcode\\b", "barcode", false),
        ("\\bcode\\b", "code", true),
        ("\\Bcode", "barcode", true),
        // Case-insensitive.
        ("(?i)hello", "Say HELLO", true),
        ("(?i)[a-c]+x", "ABCX", true),
        ("(?i)[^a]", "A", false),
        ("hello", "HELLO", false),
        // UTF-8.
        ("café", "un café", true),
        ("^é+$", "ééé", true),
        ("^.{4}$", "café", false),  // five bytes
        ("^.{5}$", "café", true),
        // Realistic rule patterns.
        ("(?i)\\b(python|javascript|rust|swift)\\b.*\\b(function|class|bug)\\b",
         "Can you find the BUG in this Swift code? It crashes.", false),
        ("(?i)\\b(python|javascript|rust|swift)\\b.*\\b(function|class|bug)\\b",
         "In Swift, why does this class leak?", true),
        ("(?i)translate (this|the following) (in)?to (french|german)", "Please translate this into German.", true),
        ("```[a-z]*\\n", "look:\n```swift\nlet x = 1\n```", true),
    ]

    @Test func patternTable() throws {
        for (pattern, input, expected) in Self.table {
            let compiled = try Self.compiled(pattern)
            #expect(compiled.matches(input) == expected, "\(pattern) on \(input.debugDescription)")
        }
    }

    static let errors: [(String, Int, String)] = [
        ("abc)def", 3, "unbalanced ')'"),
        ("(a|b))c", 5, "unbalanced ')'"),
        ("ab(cd", 2, "missing ')' for '('"),
        ("a[bc", 1, "unterminated character class"),
        ("*a", 0, "nothing to repeat"),
        ("a|+", 2, "nothing to repeat"),
        ("a**", 2, "nothing to repeat"),
        ("a{2}{3}", 4, "nothing to repeat"),
        ("a{101}", 1, "repetition bound over 100"),
        ("a{5,2}", 1, "repetition range {5,2} is backwards"),
        ("[z-a]", 1, "range out of order"),
        ("\\1", 0, "unknown escape '\\1'"),
        ("ab\\q", 2, "unknown escape '\\q'"),
        ("abc\\", 3, "trailing '\\'"),
        ("\\xZZ", 0, "'\\x' needs two hex digits"),
        ("(?=a)", 0, "unsupported group syntax '(?'"),
        ("a(?i)b", 1, "(?i) is supported only at the start of the pattern"),
        ("^*", 0, "an anchor cannot be repeated"),
        ("[é]", 1, "non-ASCII character in a class"),
        ("((((a{100}){100}){100}){100})", 0, "pattern too large (over 4096 instructions)"),
    ]

    @Test func compileErrorsNameOffsetAndReason() {
        for (pattern, offset, reason) in Self.errors {
            switch BytePattern.compile(pattern) {
            case .success: Issue.record("\(pattern) compiled")
            case .failure(let error):
                #expect(error == BytePatternError(offset: offset, reason: reason), "\(pattern)")
            }
        }
        if case .failure(let error) = BytePattern.compile("(a))") {
            #expect(error.description == "unbalanced ')' at 3")
        }
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "(", count: 200) + "a" + String(repeating: ")", count: 200)
        guard case .failure(let error) = BytePattern.compile(deep) else {
            Issue.record("200 nested groups compiled")
            return
        }
        #expect(error.reason.hasPrefix("groups nested deeper"))
    }

    @Test func pathologicalPatternsRunInLinearTime() throws {
        let input = String(repeating: "a", count: 30_000)
        let clock = ContinuousClock()
        for pattern in ["(a*)*b", "(a|aa)+b", "(a+)+$x", "^(a|a?)+b", "(x+x+)+y", "a{0,100}a{100}b"] {
            let compiled = try Self.compiled(pattern)
            let elapsed = clock.measure { #expect(!compiled.matches(input), "\(pattern)") }
            // A backtracking engine takes longer than the universe on these;
            // linear time is milliseconds even in a debug build.
            #expect(elapsed < .seconds(5), "\(pattern) took \(elapsed)")
        }
        #expect(try Self.compiled("(a*)*b").matches(input + "b"))
    }

    @Test func matchesRawBuffers() throws {
        let pattern = try Self.compiled("\\d+")
        let bytes: [UInt8] = [0x00, 0xff, 0x35, 0x00]
        #expect(bytes.withUnsafeBytes { pattern.matches($0) })
        #expect(!pattern.matches(UnsafeRawBufferPointer(start: nil, count: 0)))
    }

    @Test func prefilterAndAnchorsDoNotChangeAnswers() throws {
        // Patterns whose start can be skipped to, and anchored ones, against
        // inputs where the match sits at the very end.
        let filler = String(repeating: "xyz ", count: 300)
        #expect(try Self.compiled("(?i)needle").matches(filler + "NEEDLE"))
        #expect(try Self.compiled("\\bend$").matches(filler + "end"))
        #expect(!(try Self.compiled("^needle").matches(filler + "needle")))
        #expect(try Self.compiled("^xyz").matches(filler))
    }

    @Test func startTableAgreesWithTheGeneralSearch() throws {
        var random = SeededRandom(seed: 3)
        let alphabet = Array("ab c_\n.xyzPYTHON".utf8)
        var tabled = 0
        for (pattern, _, _) in Self.table {
            let compiled = try Self.compiled(pattern)
            guard compiled.program.startTable != nil else { continue }
            tabled += 1
            var general = compiled.program
            general.startTable = nil
            for length in 0..<40 {
                let input = (0..<length).map { _ in alphabet[random.next(below: alphabet.count)] }
                let fast = input.withUnsafeBytes { compiled.matches($0) }
                let slow = input.withUnsafeBytes { general.search($0) }
                #expect(fast == slow, "\(pattern) on \(input)")
            }
        }
        #expect(tabled > 30)
    }
}
