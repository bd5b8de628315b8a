/// What one pass over an OpenAI-style request body learned: enough to route
/// the request, enforce rules and rewrite the model name, without a JSON tree.
///
/// The buffer pointers point into the inspector's own scratch memory and stay
/// valid until its next `reset` or `feed`; copy what must outlive that.
/// Byte ranges are offsets from the first byte of the body.
public struct RequestBodySummary {
    /// Decoded top-level `"model"` string (escapes decoded); nil when absent
    /// or not a string.
    public var model: UnsafeRawBufferPointer?
    /// The whole string token of `"model"` in the body, quotes included: where
    /// the proxy splices another name in.
    public var modelTokenRange: Range<Int64>?
    /// Top-level `"stream": true`.
    public var stream: Bool = false
    /// The top-level `"stream_options"` value, whatever its type.
    public var streamOptionsRange: Range<Int64>?
    /// `stream_options.include_usage` when present and a boolean.
    public var includeUsage: Bool?
    /// The `true`/`false` token of `stream_options.include_usage`.
    public var includeUsageRange: Range<Int64>?
    /// Members of the `stream_options` object; nil when it is not an object.
    public var streamOptionsMembers: Int?
    /// `"stream_options": null`.
    public var streamOptionsIsNull = false
    /// `max_tokens`, else `max_completion_tokens`, else `max_output_tokens`,
    /// when an integer that fits in 64 bits.
    public var maxTokens: Int64?
    /// Decoded top-level `"user"` string, truncated to `maxUserBytes` (at a
    /// UTF-8 character boundary).
    public var user: UnsafeRawBufferPointer?
    /// Raw bytes (between the quotes, escapes as written) of the text strings
    /// under `messages`, `prompt`, `input`, `instructions` and `system`. Values
    /// of `role`, `type`, `name`, `id`, `tool_call_id` and everything under
    /// `image_url`, `input_audio`, `file`, `image` are data, not text.
    public var contentBytes: Int = 0
    /// Top-level `tools` or `functions` is a non-empty array.
    public var hasTools: Bool = false
    /// Under `messages` or `input`: a `"type"` of `image_url`, `input_image` or
    /// `image`, or any `image_url` key.
    public var hasImages: Bool = false
    /// FNV-1a-64 with a final avalanche over the first `prefixBytes` raw bytes
    /// of the counted strings in document order, a 0x1E byte hashed between
    /// strings. Equal prompt prefixes give equal hashes, which is what cache
    /// affinity routing needs.
    public var prefixHash: UInt64 = 0
    /// Content bytes that went into `prefixHash` (separators not counted).
    public var prefixHashedBytes: Int = 0
    /// Decoded text of the last user message (see `RequestBodyInspector`),
    /// truncated to `lastUserMessageBytes` at a character boundary; empty if
    /// there is none.
    public var lastUserMessage = UnsafeRawBufferPointer(start: nil, count: 0)
    /// Offset of the top-level object's closing `}`: fields can be inserted
    /// before it. Meaningful once inspection is complete.
    public var topLevelEnd: Int64 = 0
    /// The top-level object has no members (`{}`).
    public var topLevelIsEmpty: Bool = false

    public init() {}

    /// A rough token count for admission and rate limits: about four bytes of
    /// English text per token.
    public var estimatedPromptTokens: Int { (contentBytes + 3) / 4 }
}
