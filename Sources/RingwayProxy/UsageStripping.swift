import RingwayHTTP

/// One connection's state while it relays a stream whose usage the proxy
/// asked for on the client's behalf: the event in progress waits here until
/// its end shows whether it (or its `"usage":null`) must be left out.
/// Upstreams write each event whole, so in practice nothing waits longer
/// than the slice it arrived in.
struct UsageStripping {
    /// A run of payload bytes not yet sent, holding a reference on its buffer.
    struct PendingRun {
        var base: UnsafeRawPointer
        var length: Int
        var bid: UInt16
        /// Stream offset of `base`.
        var start: Int64
    }

    var active = false
    var filter = StreamUsageFilter()
    var pending: [PendingRun] = []
    /// Stream offset up to which bytes were sent or dropped.
    var settled: Int64 = 0
    /// A chunked answer loses the upstream's framing (chunk sizes change)
    /// and is framed again, one chunk per event.
    var rechunk = false
    /// No block could be had for a chunk-size line: the answer is cut.
    var outOfFramingRoom = false
}

/// Where a worker writes the chunk-size lines of re-framed answers: one
/// reference-counted block shared by all its connections, each queued line
/// holding a reference, so a block outlives the exchanges that wrote into it
/// while a send still points there.
struct ChunkLineBlock {
    var bid: UInt16 = 0
    var base: UnsafeMutableRawPointer?
    var used = 0
}
