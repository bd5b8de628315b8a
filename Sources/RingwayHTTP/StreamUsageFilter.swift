/// Finds, in a server-sent event stream whose request the proxy changed to
/// ask for usage (`stream_options.include_usage`), what that change added:
/// the final usage-only chunk (a top-level `"usage"` object with `"choices"`
/// empty, null or absent) and the `"usage":null` member OpenAI adds to every
/// other chunk. The client did not ask for either and must see neither.
///
/// It reads payload bytes (no HTTP chunk framing) in slices split anywhere
/// and reports each event as it ends, with the stream offsets to leave out:
///
///     data: {"id":"x",…,"choices":[{…}],"usage":null}\n\n   → drop `,"usage":null`
///     data: {"id":"x",…,"choices":[],"usage":{…}}\n\n       → drop the whole event
///     data: [DONE]\n\n                                     → keep
///
/// Only top-level members of the event's JSON count; strings are skipped,
/// so a prompt that mentions `"usage"` changes nothing. Events end at a
/// blank line (LF or CRLF line ends).
public struct StreamUsageFilter: Sendable {
    /// Stream offset of the next byte fed.
    public private(set) var position: Int64 = 0
    var eventStart: Int64 = 0
    /// Bytes other than CR since the last LF: 0 at an LF means a blank line.
    var lineLength = 0

    // The event's JSON, lexed just enough to find top-level members.
    var depth = 0
    var inString = false
    var escaped = false
    var expectKey = false
    var stringIsKey = false
    /// Which of "usage" (bit 0) and "choices" (bit 1) the key still matches.
    var keyCandidates: UInt8 = 0
    var keyIndex = 0
    var keyStart: Int64 = 0
    /// The comma in front of the current top-level key, if one was.
    var commaBeforeKey: Int64?
    /// The key just closed, waiting for its colon: 0 other, 1 usage, 2 choices.
    var closedKey: UInt8 = 0
    /// The member whose value starts at the next significant byte.
    var valueOf: UInt8 = 0
    var previousSignificant: UInt8 = 0
    var previousSignificantAt: Int64 = 0

    // What the event holds.
    var usageIsObject = false
    /// nil: no "choices" member; true: `[]` or null.
    var choicesEmpty: Bool?
    var awaitingFirstChoice = false
    var nullDrop: Range<Int64>?
    /// A `"usage":null` that opened its object: its trailing comma goes too,
    /// decided at the first significant byte at or after this offset.
    var leadingNullEnd: Int64 = -1

    public init() {}

    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ eventEnded: (_ end: Int64, _ drop: Range<Int64>?) -> Void) {
        for b in bytes {
            let at = position
            position &+= 1
            if b == 0x0A {
                if lineLength == 0 { endEvent(at: at &+ 1, eventEnded) }
                lineLength = 0
                // JSON strings cannot hold a raw line break.
                inString = false
                continue
            }
            if b != 0x0D { lineLength &+= 1 }
            if inString {
                string(b)
                continue
            }
            if b == 0x20 || b == 0x09 || b == 0x0D { continue }
            significant(b, at: at)
            previousSignificant = b
            previousSignificantAt = at
        }
    }

    @inline(__always)
    mutating func string(_ b: UInt8) {
        if escaped {
            escaped = false
        } else if b == 0x5C {
            escaped = true
            keyCandidates = 0
        } else if b == 0x22 {
            inString = false
            if stringIsKey {
                closedKey = keyCandidates & 1 != 0 && keyIndex == 5 ? 1 : keyCandidates & 2 != 0 && keyIndex == 7 ? 2 : 0
            }
        } else if stringIsKey && keyCandidates != 0 {
            let usage: StaticString = "usage"
            let choices: StaticString = "choices"
            if keyIndex >= 5 || usage.utf8Start[keyIndex] != b { keyCandidates &= ~1 }
            if keyIndex >= 7 || choices.utf8Start[keyIndex] != b { keyCandidates &= ~2 }
            keyIndex &+= 1
        }
    }

    mutating func significant(_ b: UInt8, at: Int64) {
        if leadingNullEnd >= 0 && at >= leadingNullEnd {
            // `{"usage":null,…`: the comma after it goes with it.
            if b == UInt8(ascii: ",") { nullDrop = keyStart..<(at &+ 1) } else { nullDrop = keyStart..<leadingNullEnd }
            leadingNullEnd = -1
        }
        if awaitingFirstChoice {
            awaitingFirstChoice = false
            choicesEmpty = b == UInt8(ascii: "]")
        }
        if valueOf != 0 {
            let member = valueOf
            valueOf = 0
            if member == 1 {
                if b == UInt8(ascii: "{") {
                    usageIsObject = true
                } else if b == UInt8(ascii: "n") {
                    let end = at &+ 4
                    if let from = commaBeforeKey {
                        nullDrop = from..<end
                    } else {
                        leadingNullEnd = end
                    }
                }
            } else {
                if b == UInt8(ascii: "[") {
                    awaitingFirstChoice = true
                } else {
                    choicesEmpty = b == UInt8(ascii: "n")
                }
            }
        }
        switch b {
        case UInt8(ascii: "\""):
            inString = true
            escaped = false
            stringIsKey = depth == 1 && expectKey
            expectKey = false
            if stringIsKey {
                keyCandidates = 3
                keyIndex = 0
                keyStart = at
                commaBeforeKey = previousSignificant == UInt8(ascii: ",") ? previousSignificantAt : nil
            }
        case UInt8(ascii: ":"):
            if depth == 1 && closedKey != 0 { valueOf = closedKey }
            closedKey = 0
        case UInt8(ascii: "{"):
            depth &+= 1
            expectKey = depth == 1
        case UInt8(ascii: "["):
            depth &+= 1
            expectKey = false
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            if depth > 0 { depth &-= 1 }
            expectKey = false
        case UInt8(ascii: ","):
            expectKey = depth == 1
            closedKey = 0
        default:
            break
        }
    }

    mutating func endEvent(at end: Int64, _ eventEnded: (_ end: Int64, _ drop: Range<Int64>?) -> Void) {
        var drop: Range<Int64>?
        if usageIsObject && choicesEmpty != false {
            drop = eventStart..<end
        } else if let nullDrop {
            drop = nullDrop
        } else if leadingNullEnd >= 0 {
            drop = keyStart..<leadingNullEnd
        }
        eventEnded(end, drop)
        let position = self.position
        self = StreamUsageFilter()
        self.position = position
        eventStart = end
    }
}
