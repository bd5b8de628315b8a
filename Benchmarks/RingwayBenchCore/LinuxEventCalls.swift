#if canImport(Glibc)
import Glibc
#endif

/// epoll and timerfd, bound at run time.
///
/// Swift's Glibc module map omits <sys/epoll.h> and <sys/timerfd.h>, and this
/// target may not add a C shim, so the four entry points are looked up once with
/// `dlsym` and called through C function pointers: same ABI, one indirect call.
/// Constants below are the kernel's UAPI values (stable ABI).
struct LinuxEventCalls {
    typealias EpollCreate1 = @convention(c) (Int32) -> Int32
    typealias EpollCtl = @convention(c) (Int32, Int32, Int32, UnsafeMutableRawPointer?) -> Int32
    typealias EpollWait = @convention(c) (Int32, UnsafeMutableRawPointer?, Int32, Int32) -> Int32
    typealias TimerfdCreate = @convention(c) (Int32, Int32) -> Int32
    typealias TimerfdSettime = @convention(c) (Int32, Int32, UnsafeRawPointer?, UnsafeMutableRawPointer?) -> Int32

    static let epollIn: UInt32 = 0x001
    static let epollOut: UInt32 = 0x004
    static let epollErr: UInt32 = 0x008
    static let epollHup: UInt32 = 0x010
    static let ctlAdd: Int32 = 1
    static let ctlDel: Int32 = 2
    static let ctlMod: Int32 = 3
    static let timerAbsolute: Int32 = 1  // TFD_TIMER_ABSTIME

    /// `struct epoll_event` is packed on x86-64 (12 bytes) and naturally aligned elsewhere.
    #if arch(x86_64)
    static let eventStride = 12
    static let eventDataOffset = 4
    #else
    static let eventStride = 16
    static let eventDataOffset = 8
    #endif

    let epollCreate1: EpollCreate1
    let epollCtl: EpollCtl
    let epollWait: EpollWait
    let timerfdCreate: TimerfdCreate
    let timerfdSettime: TimerfdSettime

    init() throws(LoadSetupError) {
        func bind<F>(_ name: String, as type: F.Type) throws(LoadSetupError) -> F {
            guard let symbol = dlsym(nil, name) else { throw .missingSymbol(name) }
            return unsafeBitCast(symbol, to: F.self)
        }
        epollCreate1 = try bind("epoll_create1", as: EpollCreate1.self)
        epollCtl = try bind("epoll_ctl", as: EpollCtl.self)
        epollWait = try bind("epoll_wait", as: EpollWait.self)
        timerfdCreate = try bind("timerfd_create", as: TimerfdCreate.self)
        timerfdSettime = try bind("timerfd_settime", as: TimerfdSettime.self)
    }

    /// Registers or changes interest in `fd`; `token` comes back with each event.
    @inline(__always)
    func control(_ epoll: Int32, _ operation: Int32, _ fd: Int32, events: UInt32, token: UInt64) -> Int32 {
        var event: (UInt64, UInt64) = (0, 0)  // 16 bytes ≥ either layout
        return withUnsafeMutableBytes(of: &event) { raw in
            raw.storeBytes(of: events, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: token, toByteOffset: Self.eventDataOffset, as: UInt64.self)
            return epollCtl(epoll, operation, fd, raw.baseAddress)
        }
    }

    /// Arms `timer` to fire once at monotonic time `deadline` (ns).
    @inline(__always)
    func arm(_ timer: Int32, at deadline: UInt64) {
        var spec = itimerspec()
        spec.it_value.tv_sec = Int(deadline / 1_000_000_000)
        spec.it_value.tv_nsec = Int(deadline % 1_000_000_000)
        _ = withUnsafePointer(to: &spec) { timerfdSettime(timer, Self.timerAbsolute, $0, nil) }
    }
}
