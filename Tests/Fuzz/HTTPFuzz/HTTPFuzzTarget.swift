import RingwayHTTP

/// The one fuzz entry point: every parser and writer of RingwayHTTP runs on
/// each input, and every invariant is a `precondition`, so libFuzzer (and the
/// corpus replayer) report a broken invariant as a crash with its message.
///
/// The input is used whole by every check (a request head, a response head, a
/// chunked body and an error message are all just bytes); its first byte only
/// picks the split points. Writer options (HEAD or not, Host override or not,
/// `Connection: close` or not) are not taken from the input: each check runs
/// every variant, so one input covers them all.
enum HTTPFuzzTarget {
    /// Limits well inside libFuzzer's default 4 KiB inputs, so the fuzzer
    /// reaches every limit's edge instead of only the syntax. The seed
    /// `corpus/request-at-limits` sits just inside them; keep the two in step.
    static let limits: HTTPLimits = {
        var limits = HTTPLimits()
        limits.maxHeaderBytes = 2048
        limits.maxHeaderCount = 24
        limits.maxURLBytes = 256
        limits.maxBodyBytes = 1 << 16
        limits.maxChunkExtensionBytes = 32
        limits.maxTrailerBytes = 128
        limits.maxConnectionOptions = 3
        return limits
    }()

    static let errorMessageBytes = 256

    static func run(_ data: UnsafeRawBufferPointer) {
        let seed = data.isEmpty ? 0 : Int(data[0])
        withExactCopy(of: data) { input in
            RequestRoundTrip.check(input, seed: seed, limits: limits)
            ResponseRoundTrip.check(input, seed: seed, limits: limits)
            ChunkedSplitCheck.check(input, split: splitPoint(seed: seed, count: input.count), limits: limits)
            BodyInspectionCheck.check(input, split: splitPoint(seed: seed, count: input.count))
            // The escaper's cases all show within a few hundred bytes; longer
            // messages only slow every run down.
            ErrorBodyCheck.check(message: UnsafeRawBufferPointer(rebasing: input.prefix(errorMessageBytes)), seed: seed)
        }
    }

    /// A split point in `0...count` picked by `seed`.
    static func splitPoint(seed: Int, count: Int) -> Int {
        seed % (count + 1)
    }

    /// What the parsers make of an input, for `ringway-fuzz-http --verbose`
    /// when curating the seed corpus.
    static func describe(_ data: UnsafeRawBufferPointer) -> String {
        withExactCopy(of: data) { input in
            var request = RequestHead()
            var response = ResponseHead()
            var chunked = ChunkedFraming(limits: limits)
            let requestResult = RequestHeadParser.parse(input, limits: limits, into: &request)
            let responseResult = ResponseHeadParser.parse(input, requestWasHEAD: false, limits: limits, into: &response)
            var text = "request \(requestResult)"
            if case .complete = requestResult { text += " \(request.headers.count) fields, \(request.framing)" }
            text += "; response \(responseResult)"
            if case .complete = responseResult { text += " \(response.status), \(response.framing)" }
            return text + "; chunked \(chunked.feed(input))"
        }
    }
}
