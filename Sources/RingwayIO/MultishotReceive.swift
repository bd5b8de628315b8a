import CRingwayEngine

/// The state of one socket's multishot receive: the proxy's client and
/// upstream connections and the mock upstream's connections all embed one.
///
/// A receive is paused by cancelling it and resumed by arming a new one. A
/// cancel is asynchronous: completions (with data) may still arrive before
/// the final one, and a resume that comes in between only records the wish —
/// the final completion then re-arms (`rearmIfWanted`).
public struct MultishotReceive {
    @usableFromInline var isArmed = false
    @usableFromInline var isWanted = false
    @usableFromInline var cancelPending = false

    /// A receive is submitted and has not ended.
    @inlinable public var armed: Bool { isArmed }
    /// Data is wanted: a receive that ends is re-armed.
    @inlinable public var wanted: Bool { isWanted }

    public init() {}

    /// Wants data; arms the receive unless one is armed already.
    @inlinable public mutating func resume<Backend: CompletionSubmitting>(fd: Int32, _ ud: UserData, on backend: Backend) {
        isWanted = true
        guard !armed else { return }
        isArmed = true
        backend.recvMultishot(fd: fd, ud)
    }

    /// Wants no more data; cancels the armed receive (once).
    @inlinable public mutating func pause<Backend: CompletionSubmitting>(
        _ ud: UserData, cancelledBy cancelUD: UserData, on backend: Backend
    ) {
        isWanted = false
        guard armed && !cancelPending else { return }
        cancelPending = true
        backend.cancel(ud, cancelUD)
    }

    /// Accounts for a completion: without F_MORE the receive has ended.
    @inlinable public mutating func complete(flags: UInt32) {
        if flags & RW_CQE_F_MORE == 0 {
            isArmed = false
            cancelPending = false
        }
    }

    /// After a receive ended, arms a new one if data is still wanted.
    @inlinable public mutating func rearmIfWanted<Backend: CompletionSubmitting>(fd: Int32, _ ud: UserData, on backend: Backend) {
        if wanted && !armed { resume(fd: fd, ud, on: backend) }
    }

    @inlinable public mutating func reset() {
        isArmed = false
        isWanted = false
        cancelPending = false
    }
}
