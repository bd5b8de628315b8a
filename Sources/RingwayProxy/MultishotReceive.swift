import CRingwayEngine
import RingwayIO

/// The state of one socket's multishot receive, shared by client and
/// upstream connections.
///
/// A receive is paused by cancelling it and resumed by arming a new one. A
/// cancel is asynchronous: completions (with data) may still arrive before
/// the final one, and a resume that comes in between only records the wish —
/// the final completion then re-arms (`rearmIfWanted`).
struct MultishotReceive {
    private(set) var armed = false
    private(set) var wanted = false
    private var cancelPending = false

    /// Wants data; arms the receive unless one is armed already.
    mutating func resume<Backend: CompletionSubmitting>(fd: Int32, _ ud: UserData, on backend: Backend) {
        wanted = true
        guard !armed else { return }
        armed = true
        backend.recvMultishot(fd: fd, ud)
    }

    /// Wants no more data; cancels the armed receive (once).
    mutating func pause<Backend: CompletionSubmitting>(
        _ ud: UserData, cancelledBy cancelUD: UserData, on backend: Backend
    ) {
        wanted = false
        guard armed && !cancelPending else { return }
        cancelPending = true
        backend.cancel(ud, cancelUD)
    }

    /// Accounts for a completion: without F_MORE the receive has ended.
    mutating func complete(flags: UInt32) {
        if flags & RW_CQE_F_MORE == 0 {
            armed = false
            cancelPending = false
        }
    }

    /// After a receive ended, arms a new one if data is still wanted.
    mutating func rearmIfWanted<Backend: CompletionSubmitting>(fd: Int32, _ ud: UserData, on backend: Backend) {
        if wanted && !armed { resume(fd: fd, ud, on: backend) }
    }

    mutating func reset() {
        armed = false
        wanted = false
        cancelPending = false
    }
}
