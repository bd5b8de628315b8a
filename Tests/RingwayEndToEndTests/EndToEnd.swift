import Testing

/// Root of every end-to-end suite: each test starts its own `mock_upstream.py` and `ringway`
/// on ephemeral loopback ports and stops them (by PID) when it ends.
///
///     swift build --scratch-path .build-e2e
///     swift test --scratch-path .build-e2e --filter RingwayEndToEndTests
///
/// `RINGWAY_BIN=/path/to/ringway` overrides the binary found next to the test bundle.
/// `.serialized` is inherited by the nested suites, so timing-sensitive tests never compete
/// with a 200 MB transfer for the two CPU cores.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct EndToEnd {}
