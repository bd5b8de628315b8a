import CRingwayEngine
import Glibc
import RingwayIO

/// A backend with no kernel: it records every operation the worker submits,
/// and the test plays the kernel by handing completions back. Sends record
/// the exact bytes they would have put on the wire.
final class FakeBackend: CompletionSubmitting {
    enum Op: Equatable {
        case accept(fd: Int32)
        case recv(fd: Int32)
        case send(fd: Int32, bytes: [UInt8])
        case connect(fd: Int32)
        case close(fd: Int32)
        case shutdown(fd: Int32)
        case cancel(target: UInt64)
    }

    struct Record {
        var op: Op
        var ud: UserData
    }

    let buffers = ProvidedBuffers.forTesting(size: 4096, count: 64)
    let batch = UnsafeMutablePointer<Completion>.allocate(capacity: 1)
    let setupDescription = "fake"
    private(set) var records: [Record] = []
    private(set) var closedNow: [Int32] = []
    var nextSocket: Int32 = 1000

    deinit { batch.deallocate() }

    func wait(timeoutNanoseconds: UInt64) -> Int { 0 }

    func acceptMultishot(fd: Int32, _ ud: UserData) { records.append(Record(op: .accept(fd: fd), ud: ud)) }
    func recvMultishot(fd: Int32, _ ud: UserData) { records.append(Record(op: .recv(fd: fd), ud: ud)) }

    func send(fd: Int32, _ p: UnsafeRawPointer, _ n: Int, _ ud: UserData) {
        records.append(Record(op: .send(fd: fd, bytes: Array(UnsafeRawBufferPointer(start: p, count: n))), ud: ud))
    }

    func sendmsg(fd: Int32, _ msg: UnsafePointer<msghdr>, _ ud: UserData) {
        var bytes: [UInt8] = []
        for i in 0..<Int(msg.pointee.msg_iovlen) {
            let v = msg.pointee.msg_iov[i]
            bytes += Array(UnsafeRawBufferPointer(start: v.iov_base, count: v.iov_len))
        }
        records.append(Record(op: .send(fd: fd, bytes: bytes), ud: ud))
    }

    func connect(fd: Int32, _ address: UnsafePointer<rw_address>, _ ud: UserData) {
        records.append(Record(op: .connect(fd: fd), ud: ud))
    }

    func close(fd: Int32, _ ud: UserData) { records.append(Record(op: .close(fd: fd), ud: ud)) }
    func shutdown(fd: Int32, how: Int32, _ ud: UserData) { records.append(Record(op: .shutdown(fd: fd), ud: ud)) }
    func cancel(_ target: UserData, _ ud: UserData) { records.append(Record(op: .cancel(target: target.raw), ud: ud)) }

    func openSocket(for address: UnsafePointer<rw_address>) -> Int32 {
        nextSocket += 1
        return nextSocket
    }

    func peerIPText(fd: Int32, into out: UnsafeMutableBufferPointer<CChar>) -> Int32 {
        let text = Array("10.1.2.3".utf8)
        for (i, b) in text.enumerated() { out[i] = CChar(bitPattern: b) }
        return Int32(text.count)
    }

    func closeNow(fd: Int32) { closedNow.append(fd) }
    func shutdownNow(fd: Int32, how: Int32) { records.append(Record(op: .shutdown(fd: fd), ud: UserData(raw: 0))) }

    /// Records after `mark`, for "what did the worker do in response to X".
    func records(since mark: Int) -> ArraySlice<Record> { records[mark...] }
    var mark: Int { records.count }
}
