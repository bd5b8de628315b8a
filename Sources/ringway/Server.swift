import CRingwayEngine
import Foundation
import RingwayIO
import RingwayObserve
import RingwayProxy
import RingwayRouter

/// `ringway serve`: config, listeners, one worker thread per ring, the admin
/// listener, signals (SIGHUP reloads), drain.
enum Server {
    static func run(_ plan: ServePlan) -> Int32 {
        var settings = plan.settings
        var reloader: ConfigReloader?
        if let path = plan.configPath {
            switch ConfigReloader.start(path: path, tlsContexts: settings.tlsContexts) {
            case .success(let r): reloader = r
            case .failure(let f):
                for line in f.lines { log(line) }
                return fail("config \(path) refused")
            }
            settings.tables = reloader!.source
            settings.stateBoard = WorkerStateBoard()
            // Metrics are recorded only when someone can read them.
            if reloader!.source.table.config.admin.listen != nil { settings.metrics = MetricsBoard() }
            if !plan.listenGiven, let listen = reloader!.source.table.config.listen {
                do {
                    (settings.listenHost, settings.listenPort) = try ServeOptions.parseHostPort(listen, flag: "listen")
                } catch {
                    return fail("config \(path): \(error.message)")
                }
            }
        }

        // The access log: rings for the workers, the writer thread that
        // drains them. Started before the workers, stopped after them.
        var accessLog: AccessLogWriter?
        let logConfig = reloader?.source.table.config.accessLog
            ?? plan.accessLogPath.map { path in
                var c = AccessLogConfig()
                c.path = path
                c.sampleRate = plan.accessLogSampleRate
                return c
            }
        if let logConfig {
            let rings = (0..<settings.workers).map { _ in AccessLogRing(capacity: 4096) }
            let table = reloader?.source.table ?? settings.sidecarTable(loadedAt: 0)
            do {
                let writer = try AccessLogWriter(
                    rings: rings, destination: logConfig.path == "stdout" ? .standardOutput : .file(logConfig.path),
                    names: accessLogNames(table), sampleRate: logConfig.sampleRate)
                try writer.start()
                accessLog = writer
                settings.accessLogRings = rings
                reloader?.onReload = { writer.setNames(accessLogNames($0)) }
            } catch {
                return fail("cannot open the access log \(logConfig.path): \(error)")
            }
        }

        // Sidecar mode with --admin: the one-upstream table goes through a
        // table source too, so the admin listener can show it.
        var source = reloader?.source
        if reloader == nil, plan.adminListen != nil {
            let sidecar = RoutingTableSource(settings.sidecarTable(loadedAt: Date().timeIntervalSince1970))
            settings.tables = sidecar
            settings.stateBoard = WorkerStateBoard()
            settings.metrics = MetricsBoard()
            source = sidecar
        }

        // Sidecar mode with an https upstream: its CA file must load now.
        if reloader == nil {
            let problems = settings.tlsContexts.problems(in: settings.sidecarTable(loadedAt: 0))
            if let problem = problems.first {
                return fail("--upstream \(settings.upstream.url): " + problem.replacingOccurrences(of: "pools.upstream.", with: ""))
            }
        }

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
        let frozen = settings
        // Each worker takes over its listener and closes it when draining.
        let workers = WorkerThreads(count: listeners.count, name: "ringway-worker") { index in
            try UringWorker(id: index, settings: frozen, listenFD: listeners[index], shutdown: shutdown)
        }
        if let error = workers.startErrors.first {
            shutdown.request()
            workers.waitUntilFinished()
            return fail("cannot start the io_uring engine: \(error)")
        }

        // Health checks and load scrapes run on their own thread; reloads
        // reach it through the table source.
        var prober: EndpointProber?
        if let reloader {
            prober = EndpointProber(source: reloader.source, tlsContexts: settings.tlsContexts, log: { log($0) })
            prober!.start()
        }

        var admin: AdminServer?
        if let source, let board = settings.stateBoard, let metrics = settings.metrics,
           let listen = reloader?.source.table.config.admin.listen ?? plan.adminListen
        {
            do {
                let (host, adminPort) = try ServeOptions.parseHostPort(listen, flag: "admin.listen")
                switch AdminServer.start(host: host, port: adminPort, handle: { [reloader] in AdminRoutes.handle($0, source, reloader, board, metrics) }) {
                case .success(let server):
                    admin = server
                    log("admin listening on \(host):\(server.port)")
                case .failure(let e):
                    prober?.stop()
                    shutdown.request()
                    workers.waitUntilFinished()
                    return fail(e.message)
                }
            } catch {
                prober?.stop()
                shutdown.request()
                workers.waitUntilFinished()
                return fail("config: \(error.message)")
            }
        }

        let upstream: String
        if let reloader {
            let t = reloader.source.table
            upstream = "config \(reloader.path) (version \(t.version): \(t.pools.count) pools, \(t.endpoints.count) endpoints, \(t.models.count) models)"
        } else {
            switch settings.upstream {
            case .tcp(let host, let p): upstream = "upstream http://\(host):\(p)"
            case .tls(let host, _, _): upstream = "upstream \(settings.upstream.url) (\(host))"
            case .unix(let path): upstream = "upstream unix:\(path)"
            }
        }
        // The readiness line: scripts and tests wait for it to learn the port.
        FileHandle.standardOutput.write(
            Data("ringway listening on \(settings.listenHost):\(port) workers=\(settings.workers) backend=io_uring\n".utf8))
        log("\(upstream); ring \(workers.setupDescription); buffers \(settings.backend.bufferCount)x\(settings.backend.bufferSize) B per worker; open files \(fileLimit)")

        while true {
            let signal = rw_wait_signal(250)
            if signal == SIGTERM || signal == SIGINT { break }
            if signal == SIGHUP {
                guard let reloader else {
                    log("SIGHUP ignored: sidecar mode has no config file to reload")
                    continue
                }
                logReload(reloader.reload())
            }
            if signal == SIGUSR1 { accessLog?.reopen() }
        }
        log("draining (up to \(settings.drainTimeoutMs) ms)")
        admin?.stop()
        prober?.stop()
        shutdown.request()
        workers.waitUntilFinished()
        accessLog?.stop()
        log("stopped")
        return 0
    }

    static func accessLogNames(_ t: RoutingTable) -> AccessLogNames {
        AccessLogNames(version: UInt64(t.version), models: t.models.map(\.name), pools: t.pools.map(\.name),
                       endpoints: t.endpoints.map(\.url), rules: t.rules.map(\.name), keys: t.keys.map(\.name))
    }

    static func logReload(_ result: Result<RoutingTable, ConfigLoadFailure>) {
        switch result {
        case .success(let t):
            log("config reloaded: version \(t.version), \(t.pools.count) pools, \(t.endpoints.count) endpoints, \(t.models.count) models")
        case .failure(let f):
            for line in f.lines { log(line) }
            log("config reload refused; the running config stays")
        }
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data("ringway: \(line)\n".utf8))
    }

    static func fail(_ line: String) -> Int32 {
        log(line)
        return 1
    }
}
