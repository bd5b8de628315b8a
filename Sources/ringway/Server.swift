import CRingwayEngine
import Foundation
import RingwayIO
import RingwayProxy

/// `ringway serve`: listeners, one worker thread per ring, signals, drain.
enum Server {
    static func run(_ settings: ProxySettings) -> Int32 {
        let fileLimit = rw_raise_nofile_limit()
        // Blocked before any thread starts, so every thread inherits it and
        // only the main thread takes signals, synchronously.
        _ = rw_block_signals()

        let listeners: [Int32]
        let port: UInt16
        switch ReusePortListeners.open(host: settings.listenHost, port: settings.listenPort, count: settings.workers) {
        case .success(let bound): (listeners, port) = bound
        case .failure(let error): return fail(error.description)
        }

        let shutdown = ShutdownSignal()
        // Each worker takes over its listener and closes it when draining.
        let workers = WorkerThreads(count: listeners.count, name: "ringway-worker") { index in
            try UringWorker(id: index, settings: settings, listenFD: listeners[index], shutdown: shutdown)
        }
        if let error = workers.startErrors.first {
            shutdown.request()
            workers.waitUntilFinished()
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
        log("upstream \(upstream); ring \(workers.setupDescription); buffers \(settings.backend.bufferCount)x\(settings.backend.bufferSize) B per worker; open files \(fileLimit)")

        while true {
            let signal = rw_wait_signal(250)
            if signal == SIGTERM || signal == SIGINT { break }
        }
        log("draining (up to \(settings.drainTimeoutMs) ms)")
        shutdown.request()
        workers.waitUntilFinished()
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
