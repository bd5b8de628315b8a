import Foundation
import Testing
@testable import RingwayHTTP

/// `count_stream_usage` on the request side: every shape of `stream_options`
/// ends up asking for usage, the rest of the body byte for byte as sent, and
/// the result is still valid JSON.
@Suite struct UsageRequestEditTests {
    /// Applies the edit the inspector's findings call for (with the body cut
    /// at `cut`), or nil when none is due.
    static func edited(_ body: String, cut: Int? = nil) -> String? {
        let bytes = Array(body.utf8)
        let outcome = inspect(bytes, cuts: cut.map { [$0] } ?? [])
        guard outcome.error == nil else { return "invalid: \(outcome)" }
        var summary = RequestBodySummary()
        summary.stream = outcome.stream
        summary.streamOptionsRange = outcome.streamOptionsRange
        summary.includeUsage = outcome.includeUsage
        summary.includeUsageRange = outcome.includeUsageRange
        summary.streamOptionsMembers = outcome.streamOptionsMembers
        summary.streamOptionsIsNull = outcome.streamOptionsIsNull
        summary.topLevelEnd = outcome.topLevelEnd
        guard let edit = UsageRequestEdit.edit(for: summary) else { return nil }
        var edits = BodyEdits()
        edits.add(edit)
        var out: [UInt8] = []
        edits.forEachPiece(total: Int64(bytes.count), held: { out += bytes[Int($0.lowerBound)..<Int($0.upperBound)] },
                           replacement: { out += $0 })
        #expect(Int64(out.count) == edits.editedLength(of: Int64(bytes.count)))
        return String(decoding: out, as: UTF8.self)
    }

    static func includeUsage(_ json: String) -> Bool? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let options = object["stream_options"] as? [String: Any]
        else { return nil }
        return options["include_usage"] as? Bool
    }

    @Test func insertsStreamOptionsWhenAbsent() {
        let body = #"{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}] }"#
        let out = Self.edited(body)
        #expect(out == #"{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}] ,"stream_options":{"include_usage":true}}"#)
        #expect(out.flatMap(Self.includeUsage) == true)
    }

    @Test func everyShapeEndsUpAskingForUsage() {
        let bodies = [
            #"{"stream":true,"stream_options":null,"model":"m"}"#,
            #"{"stream":true,"stream_options":{ },"model":"m"}"#,
            #"{"stream":true,"stream_options":{"continuous_usage_stats":false},"model":"m"}"#,
            #"{"stream":true,"stream_options":{"include_usage":false,"x":[1,{"y":2}]},"model":"m"}"#,
            #"{"stream":true,"stream_options":{"x":{"include_usage":true}},"model":"m"}"#,
            #"{"model":"m","stream_options":{"include_usage" : false} ,"stream":true}"#,
        ]
        for body in bodies {
            for cut in 0...body.utf8.count {
                let out = Self.edited(body, cut: cut)
                #expect(out.flatMap(Self.includeUsage) == true, "\(body) cut at \(cut): \(out ?? "nil")")
            }
        }
    }

    @Test func keepsTheClientsOtherOptions() {
        let out = Self.edited(#"{"stream":true,"stream_options":{"continuous_usage_stats":true}}"#)
        #expect(out == #"{"stream":true,"stream_options":{"include_usage":true,"continuous_usage_stats":true}}"#)
        let replaced = Self.edited(#"{"stream":true,"stream_options":{"include_usage":false,"a":1}}"#)
        #expect(replaced == #"{"stream":true,"stream_options":{"include_usage":true,"a":1}}"#)
    }

    @Test func leavesRequestsThatAskedOrCannotBeFixed() {
        #expect(Self.edited(#"{"stream":true,"stream_options":{"include_usage":true}}"#) == nil)
        // A wrong type is the upstream's to refuse, not ours to rewrite.
        #expect(Self.edited(#"{"stream":true,"stream_options":[1]}"#) == nil)
        #expect(Self.edited(#"{"stream":true,"stream_options":"yes"}"#) == nil)
    }

    @Test func twoEditsKeepTheirOrderWhateverOrderTheyAreAdded() {
        let body = Array(#"{"model":"alias","stream":true}"#.utf8)
        let a = Array(#""real""#.utf8), b = Array(#","stream_options":{"include_usage":true}"#.utf8)
        a.withUnsafeBytes { model in
            b.withUnsafeBytes { usage in
                for reversed in [false, true] {
                    var edits = BodyEdits()
                    let first = BodyEdits.Edit(range: 9..<16, bytes: model)
                    let second = BodyEdits.Edit(range: 30..<30, bytes: usage)
                    if reversed {
                        edits.add(second)
                        edits.add(first)
                    } else {
                        edits.add(first)
                        edits.add(second)
                    }
                    var out: [UInt8] = []
                    edits.forEachPiece(total: Int64(body.count), held: { out += body[Int($0.lowerBound)..<Int($0.upperBound)] },
                                       replacement: { out += $0 })
                    #expect(String(decoding: out, as: UTF8.self)
                        == #"{"model":"real","stream":true,"stream_options":{"include_usage":true}}"#)
                    #expect(edits.editedLength(of: Int64(body.count)) == Int64(out.count))
                }
            }
        }
    }
}
