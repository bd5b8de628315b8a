#if canImport(Glibc)
import Glibc
#endif

/// Connection lifecycle: connect, back-off, replace, close.
extension LoadGenerator {
    /// Whether a lost connection should be replaced right away.
    var wantsConnections: Bool {
        switch phase {
        case .connecting, .running: true
        case .draining: openLoop && !queue.isEmpty
        case .finished: false
        }
    }

    func connect(_ index: Int, now: UInt64) {
        switch address.startConnect() {
        case .success(let (fd, isConnected)):
            slots[index].fd = fd
            slots[index].parser.reset()
            slots[index].writeArmed = false
            let interest = isConnected ? LinuxEventCalls.epollIn : LinuxEventCalls.epollIn | LinuxEventCalls.epollOut
            _ = calls.control(epoll, LinuxEventCalls.ctlAdd, fd, events: interest, token: token(index))
            if isConnected {
                connected(index, now: now)
            } else {
                slots[index].state = .connecting
            }
        case .failure:
            connectFailed(index, now: now)
        }
    }

    func token(_ index: Int) -> UInt64 { slots[index].epollToken | UInt64(index) }

    /// The non-blocking connect finished; `SO_ERROR` says how.
    func connectCompleted(_ index: Int, now: UInt64) {
        let code = TargetAddress.connectResult(of: slots[index].fd)
        guard code == 0 else {
            closeSocket(index)
            connectFailed(index, now: now)
            return
        }
        _ = calls.control(epoll, LinuxEventCalls.ctlMod, slots[index].fd, events: LinuxEventCalls.epollIn, token: token(index))
        connected(index, now: now)
    }

    private func connected(_ index: Int, now: UInt64) {
        slots[index].state = .idle
        slots[index].connectFailures = 0
        becameIdle(index, now: now)
    }

    /// Counts the failure and retries after 10 ms, doubling up to 1 s, so a dead
    /// target is reported without spinning the CPU on refused connects.
    private func connectFailed(_ index: Int, now: UInt64) {
        result.errors[.connect] += 1
        slots[index].state = .disconnected
        slots[index].fd = -1
        let failures = min(slots[index].connectFailures, 7)
        slots[index].connectFailures += 1
        slots[index].retryAt = now + (10_000_000 << UInt64(failures))
    }

    /// Closes the socket (epoll forgets it with the last descriptor) and invalidates
    /// events already harvested for it.
    func closeSocket(_ index: Int) {
        if slots[index].fd >= 0 { close(slots[index].fd) }
        slots[index].fd = -1
        slots[index].generation &+= 1
        slots[index].state = .disconnected
        slots[index].written = 0
        slots[index].parser.reset()
    }

    /// The connection is done (server closed it, or it failed): open a fresh one if still useful.
    func replace(_ index: Int, now: UInt64) {
        closeSocket(index)
        slots[index].retryAt = now
        if wantsConnections { connect(index, now: now) }
    }

    /// Timeouts, expired queue entries and due reconnects; runs every 10 ms.
    func expireOverdue(now: UInt64) {
        for index in 0..<slotCount {
            switch slots[index].state {
            case .busy where now >= slots[index].sentAt + timeoutNanoseconds:
                fail(index, .timeout, now: now)
            case .disconnected where now >= slots[index].retryAt && wantsConnections:
                connect(index, now: now)
            default:
                break
            }
        }
        while let intendedAt = queue.first, now >= intendedAt + timeoutNanoseconds {
            _ = queue.pop()
            if isMeasured(intendedAt) { result.errors[.timeout] += 1 }
        }
    }

    /// The drain deadline passed: whatever is still outstanding timed out.
    func abandonOutstanding() {
        for index in 0..<slotCount where slots[index].state == .busy {
            if slots[index].measured { result.errors[.timeout] += 1 }
            busyCount -= 1
            closeSocket(index)
        }
        while let intendedAt = queue.pop() {
            if isMeasured(intendedAt) { result.errors[.timeout] += 1 }
        }
    }
}
