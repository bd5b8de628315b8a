import CRingwayEngine
import Foundation
import RingwayIO
import RingwayProxy
import Synchronization

/// `ringway serve`: listeners, one worker thread per ring, signals, drain.
enum Server {
    static func run(_ settings: ProxySettings) -> Int32 {
        let fileLimit = rw_raise_nofile_limit()
        // Blocked before any thread starts, so every thread inherits it and
        // only the main thread takes signals, synchronously.
        _ = rw_block_signals()

        var address = rw_address()
        guard rw_address_ip(settings.listenHost, settings.listenPort, &address) == 0 else {
            return fail("cannot listen on \(settings.listenHost): not a numeric IP address")
        }
        var listeners: [Int32] = []
        var port = settings.listenPort
        for _ in 0..<settings.workers {
            var bound: UInt16 = 0
            // Port 0: the first listener picks a port; the rest share it.
            _ = rw_address_ip(settings.listenHost, port, &address)
            let fd = rw_listen_tcp(&address, 4096, &bound)
            guard fd >= 0 else {
                listeners.forEach { rw_close_now($0) }
                return fail("cannot listen on \(settings.listenHost):\(port): \(System.errorText(-fd))")
            }
            listeners.append(fd)
            port = bound
        }

        let shutdown = ShutdownSignal()
        let started = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        let startErrors = Mutex<[String]>([])
        let setup = Mutex<String>("")
        for (index, fd) in listeners.enumerated() {
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                let worker: UringWorker
                do {
                    // The ring is created here, on the thread that will drive it.
                    worker = try UringWorker(id: index, settings: settings, listenFD: fd, shutdown: shutdown)
                } catch {
                    startErrors.withLock { $0.append("\(error)") }
                    started.signal()
                    return
                }
                setup.withLock { $0 = worker.setupDescription }
                started.signal()
                worker.run()
            }
            thread.name = "ringway-worker-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
        for _ in listeners { started.wait() }
        if let error = startErrors.withLock({ $0.first }) {
            shutdown.request()
            finished.wait()
            return fail("cannot start the io_uring engine: \(error)")
        }

        let upstream: String
        switch settings.upstream {
        case .tcp(let host, let p): upstream = "http://\(host):\(p)"
        case .unix(let path): upstream = "unix:\(path)"
        }
        // The readiness line: scripts and tests wait for it to learn the port.
        FileHandle.standardOutput.write(
            Data("ringway listening on \(settings.listenHost):\(port) workers=\(settings.workers) backend=io_uring\n".utf8))
        log("upstream \(upstream); ring \(setup.withLock { $0 }); buffers \(settings.backend.bufferCount)x\(settings.backend.bufferSize) B per worker; open files \(fileLimit)")

        while true {
            let signal = rw_wait_signal(250)
            if signal == SIGTERM || signal == SIGINT { break }
        }
        log("draining (up to \(settings.drainTimeoutMs) ms)")
        shutdown.request()
        finished.wait()
        log("stopped")
        return 0
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data("ringway: \(line)\n".utf8))
    }

    static func fail(_ line: String) -> Int32 {
        log(line)
        return 1
    }
}
