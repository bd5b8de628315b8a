#if canImport(Glibc)
import Glibc
#endif

/// The per-request hot path: dispatch, write, read, parse, record.
/// Nothing here allocates: slots, buffers and histograms exist before the first send.
extension LoadGenerator {
    @inline(__always)
    func isMeasured(_ intendedAt: UInt64) -> Bool {
        intendedAt >= measureStart && intendedAt < scheduleEnd
    }

    /// Open loop: hand every request now due to an idle connection, or queue it.
    func dispatchDueRequests(now: UInt64) {
        while let due = schedule?.next, due <= now, due < scheduleEnd {
            schedule?.advance()
            if isMeasured(due) { result.scheduled += 1 }
            if let index = popIdle() {
                startRequest(index, intendedAt: due, now: now)
            } else if !queue.push(due) {
                if isMeasured(due) { result.errors[.backlog] += 1 }
            }
        }
    }

    private func popIdle() -> Int? {
        while idleCount > 0 {
            idleCount -= 1
            let index = Int(idleStack[idleCount])
            slots[index].inIdleStack = false
            if slots[index].state == .idle { return index }  // else it closed since
        }
        return nil
    }

    /// A connection has nothing outstanding: give it the next request, if any.
    func becameIdle(_ index: Int, now: UInt64) {
        if openLoop {
            if let intendedAt = queue.pop() {
                startRequest(index, intendedAt: intendedAt, now: now)
            } else if !slots[index].inIdleStack {
                slots[index].inIdleStack = true
                idleStack[idleCount] = Int32(index)
                idleCount += 1
            }
        } else if phase == .running && now < scheduleEnd {
            startRequest(index, intendedAt: now, now: now)
        }
    }

    func startRequest(_ index: Int, intendedAt: UInt64, now: UInt64) {
        let measured = isMeasured(intendedAt)
        slots[index].state = .busy
        slots[index].intendedAt = intendedAt
        slots[index].sentAt = now
        slots[index].written = 0
        slots[index].measured = measured
        busyCount += 1
        if measured {
            result.sent += 1
            if openLoop {
                result.sendLag.record(now &- intendedAt)
            } else {
                result.scheduled += 1
            }
        }
        writeRequest(index, now: now)
    }

    /// Writes what is left of the request; arms EPOLLOUT only when the socket is full.
    func writeRequest(_ index: Int, now: UInt64) {
        while slots[index].written < request.count {
            let written = slots[index].written
            let count = send(slots[index].fd, request.baseAddress! + written, request.count - written, Int32(MSG_NOSIGNAL))
            if count > 0 {
                slots[index].written += count
                continue
            }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK {
                if !slots[index].writeArmed {
                    slots[index].writeArmed = true
                    _ = calls.control(epoll, LinuxEventCalls.ctlMod, slots[index].fd,
                                      events: LinuxEventCalls.epollIn | LinuxEventCalls.epollOut, token: token(index))
                }
                return
            }
            fail(index, .truncated, now: now)
            return
        }
        if slots[index].writeArmed {
            slots[index].writeArmed = false
            _ = calls.control(epoll, LinuxEventCalls.ctlMod, slots[index].fd, events: LinuxEventCalls.epollIn, token: token(index))
        }
    }

    func handle(_ index: Int, flags: UInt32) {
        let now = Clock.monotonicNanoseconds()
        let generation = slots[index].generation
        switch slots[index].state {
        case .connecting:
            connectCompleted(index, now: now)
        case .busy, .idle:
            if flags & LinuxEventCalls.epollOut != 0 && slots[index].state == .busy
                && slots[index].written < request.count
            {
                writeRequest(index, now: now)
            }
            let readable = LinuxEventCalls.epollIn | LinuxEventCalls.epollErr | LinuxEventCalls.epollHup
            if flags & readable != 0 && slots[index].generation == generation {
                receive(index, now: now)
            }
        case .disconnected:
            break
        }
    }

    private func receive(_ index: Int, now: UInt64) {
        let count = recv(slots[index].fd, readBuffer.baseAddress, readBuffer.count, 0)
        if count > 0 {
            guard slots[index].state == .busy else {
                // Bytes with no request outstanding (say a 408 before an idle close):
                // no request is affected, but the stream is out of step.
                replace(index, now: now)
                return
            }
            parse(index, UnsafeRawBufferPointer(start: readBuffer.baseAddress, count: count), now: now)
        } else if count == 0 {
            endOfStream(index, now: now)
        } else {
            let code = errno
            if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { return }
            if slots[index].state == .busy {
                fail(index, .truncated, now: now)
            } else {
                replace(index, now: now)
            }
        }
    }

    private func parse(_ index: Int, _ bytes: UnsafeRawBufferPointer, now: UInt64) {
        let generation = slots[index].generation
        var offset = 0
        var receivedRealtime: UInt64 = 0
        while true {
            switch slots[index].parser.next(bytes, &offset) {
            case .needMore:
                return
            case .bodyStarted:
                if slots[index].measured && slots[index].parser.isEventStream {
                    result.timeToFirstByte.record(now &- slots[index].intendedAt)
                }
            case .sentTimestamp(let sentAt):
                if slots[index].measured {
                    if receivedRealtime == 0 { receivedRealtime = Clock.realtimeNanoseconds() }
                    result.chunkDelay.record(receivedRealtime > sentAt ? receivedRealtime - sentAt : 0)
                }
            case .complete(let status, let keepAlive):
                guard slots[index].state == .busy else {
                    result.errors[.malformed] += 1
                    replace(index, now: now)
                    return
                }
                finish(index, status: status, now: now)
                if !keepAlive {
                    replace(index, now: now)
                    return
                }
                becameIdle(index, now: now)
                // Starting the next request can fail and replace the socket; the
                // rest of this buffer belonged to the old one.
                if slots[index].generation != generation { return }
            case .malformed:
                fail(index, .malformed, now: now)
                return
            }
        }
    }

    private func endOfStream(_ index: Int, now: UInt64) {
        guard slots[index].state == .busy else {
            replace(index, now: now)  // the server closed an idle keep-alive connection
            return
        }
        switch slots[index].parser.endOfStream() {
        case .complete(let status):
            finish(index, status: status, now: now)
            replace(index, now: now)
        case .idle, .truncated:
            fail(index, .truncated, now: now)
        }
    }

    /// A complete response arrived for the outstanding request.
    private func finish(_ index: Int, status: Int, now: UInt64) {
        slots[index].state = .idle
        busyCount -= 1
        guard slots[index].measured else { return }
        lastCompletion = now
        if status >= 200 && status < 300 {
            result.completed += 1
            result.latency.record(now &- slots[index].intendedAt)
        } else {
            result.errors[.status] += 1
        }
    }

    /// The outstanding request failed: count it and replace the connection.
    func fail(_ index: Int, _ kind: LoadErrorKind, now: UInt64) {
        if slots[index].state == .busy {
            busyCount -= 1
            if slots[index].measured { result.errors[kind] += 1 }
        }
        replace(index, now: now)
    }
}
