extension ChunkedFraming {
    /// Between chunks: nothing of a size line has been read yet, so bytes
    /// forming a whole chunk may be inserted here without corrupting the
    /// framing (the proxy's `: ping` comments and its stream-error event).
    @inlinable
    public var isAtChunkBoundary: Bool { state == .size && sizeDigits == 0 }
}
