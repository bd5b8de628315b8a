/// The operation a completion reports, stored in the top byte of user_data.
enum OpTag: UInt8 {
    case accept = 1
    case clientRecv
    case clientSend
    case clientClose
    case upstreamConnect
    case upstreamRecv
    case upstreamSend
    case upstreamClose
    /// Cancels and shutdowns: their outcome shows on the operation they act on.
    case ignored
}
