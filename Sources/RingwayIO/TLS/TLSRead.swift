/// What one `TLSClientSession.read(into:)` produced.
public enum TLSRead: Equatable {
    /// This many plaintext bytes were written at the start of the buffer;
    /// more may be ready — read again.
    case bytes(Int)
    /// Every complete record fed so far has been decrypted: wait for the
    /// next receive completion (and send pending output first).
    case needMoreInput
    /// The server sent close_notify: the plaintext stream ended cleanly.
    case closed
}
