/// The one edit that makes a streaming request ask for usage
/// (`stream_options.include_usage: true`), chosen from what the inspector
/// saw, without re-serializing the body:
///
///     no stream_options              insert `,"stream_options":{"include_usage":true}` before the final `}`
///     "stream_options": null         replace null with `{"include_usage":true}`
///     "stream_options": {}           insert `"include_usage":true` after `{`
///     "stream_options": {"x":1}      insert `"include_usage":true,` after `{`
///     "include_usage": false         replace false with `true`
///
/// nil when the request already asks for usage or `stream_options` is of a
/// type the upstream will refuse anyway.
public enum UsageRequestEdit {
    public static func edit(for summary: RequestBodySummary) -> BodyEdits.Edit? {
        guard summary.includeUsage != true else { return nil }
        if let range = summary.includeUsageRange {
            return .init(range: range, bytes: bytes("true"))
        }
        guard let options = summary.streamOptionsRange else {
            let end = summary.topLevelEnd
            return .init(range: end..<end, bytes: bytes(#","stream_options":{"include_usage":true}"#))
        }
        if summary.streamOptionsIsNull {
            return .init(range: options, bytes: bytes(#"{"include_usage":true}"#))
        }
        guard let members = summary.streamOptionsMembers else { return nil }
        let afterBrace = options.lowerBound + 1
        return .init(range: afterBrace..<afterBrace,
                     bytes: members == 0 ? bytes(#""include_usage":true"#) : bytes(#""include_usage":true,"#))
    }

    private static func bytes(_ text: StaticString) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
    }
}
