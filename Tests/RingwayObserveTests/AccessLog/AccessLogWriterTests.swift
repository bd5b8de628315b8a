import Foundation
import Testing
@testable import RingwayObserve

@Suite("Access log writer")
struct AccessLogWriterTests {
    @Test func writesLinesToAFileAndFlushesOnStop() throws {
        let dir = try AccessLogFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("access.log")
        let ring = AccessLogRing(capacity: 64)
        let writer = try AccessLogWriter(
            rings: [ring], destination: .file(path.path), names: AccessLogFixture.names, flushIntervalMilliseconds: 1000)
        try writer.start()
        for i in 0..<10 {
            var r = AccessLogFixture.record(requestID: "req-\(i)")
            r.pool = 1
            ring.push(r)
        }
        writer.stop()  // long interval: only the final drain can have written them
        let lines = AccessLogFixture.lines(of: path)
        #expect(lines.count == 10)
        for (i, line) in lines.enumerated() {
            let o = try AccessLogFixture.object(Array(line.utf8))
            #expect(o["request_id"] as? String == "req-\(i)")
            #expect(o["pool"] as? String == "openai")
        }
        let stats = writer.statistics
        #expect(stats.linesWritten == 10 && stats.writeErrors == 0 && stats.lastError == nil)
        #expect(stats.bytesWritten == UInt64(try Data(contentsOf: path).count))
        writer.stop()  // idempotent
    }

    @Test func reopenAfterRenameStartsANewFile() throws {
        let dir = try AccessLogFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("access.log")
        let rotated = dir.appendingPathComponent("access.log.1")
        let ring = AccessLogRing(capacity: 64)
        let writer = try AccessLogWriter(
            rings: [ring], destination: .file(path.path), names: AccessLogFixture.names, flushIntervalMilliseconds: 2)
        try writer.start()
        defer { writer.stop() }
        ring.push(AccessLogFixture.record(requestID: "before"))
        #expect(AccessLogFixture.waitUntil { AccessLogFixture.lines(of: path).count == 1 })
        try FileManager.default.moveItem(at: path, to: rotated)
        writer.reopen()
        #expect(AccessLogFixture.waitUntil { FileManager.default.fileExists(atPath: path.path) })
        ring.push(AccessLogFixture.record(requestID: "after"))
        writer.stop()
        #expect(AccessLogFixture.lines(of: rotated).count == 1)
        #expect(AccessLogFixture.lines(of: rotated).first?.contains("\"before\"") == true)
        #expect(AccessLogFixture.lines(of: path).count == 1)
        #expect(AccessLogFixture.lines(of: path).first?.contains("\"after\"") == true)
        #expect(writer.statistics.reopens == 1)
    }

    @Test func aFailedReopenKeepsWritingToTheOldFile() throws {
        let dir = try AccessLogFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sub = dir.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let path = sub.appendingPathComponent("access.log")
        let ring = AccessLogRing(capacity: 64)
        let writer = try AccessLogWriter(
            rings: [ring], destination: .file(path.path), names: AccessLogFixture.names, flushIntervalMilliseconds: 2)
        try writer.start()
        ring.push(AccessLogFixture.record(requestID: "one"))
        #expect(AccessLogFixture.waitUntil { AccessLogFixture.lines(of: path).count == 1 })
        let moved = dir.appendingPathComponent("moved")
        try FileManager.default.moveItem(at: sub, to: moved)  // the path's directory is gone
        writer.reopen()
        #expect(AccessLogFixture.waitUntil { writer.statistics.writeErrors == 1 })
        ring.push(AccessLogFixture.record(requestID: "two"))
        writer.stop()
        #expect(AccessLogFixture.lines(of: moved.appendingPathComponent("access.log")).count == 2)
        #expect(writer.statistics.lastError?.contains("cannot open for appending") == true)
    }

    @Test func startFailsForAnUnopenablePath() throws {
        let writer = try AccessLogWriter(
            rings: [AccessLogRing(capacity: 8)], destination: .file("/nonexistent-dir/access.log"),
            names: AccessLogFixture.names)
        #expect(throws: AccessLogError.self) { try writer.start() }
        writer.stop()
    }

    @Test func samplingAndNameSwapsApplyInTheWriter() throws {
        let dir = try AccessLogFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("access.log")
        let ring = AccessLogRing(capacity: 4096)
        let writer = try AccessLogWriter(
            rings: [ring], destination: .file(path.path), names: AccessLogFixture.names, sampleRate: 0)
        try writer.start()
        for i in 0..<100 { ring.push(AccessLogFixture.record(requestID: "ok-\(i)")) }
        ring.push(AccessLogFixture.record(requestID: "boom", status: 503))
        #expect(AccessLogFixture.waitUntil { writer.statistics.linesWritten == 1 })
        writer.setSampleRate(1)
        writer.setNames(AccessLogNames(version: 8, models: [], pools: ["pool-v8"], endpoints: [], rules: [], keys: []))
        var old = AccessLogFixture.record(requestID: "old", version: 7)
        old.pool = 0
        var new = AccessLogFixture.record(requestID: "new", version: 8)
        new.pool = 0
        var unknown = AccessLogFixture.record(requestID: "unknown", version: 3)
        unknown.pool = 0
        ring.push(old)
        ring.push(new)
        ring.push(unknown)
        writer.stop()
        let objects = try AccessLogFixture.lines(of: path).map { try AccessLogFixture.object(Array($0.utf8)) }
        #expect(objects.map { $0["request_id"] as? String } == ["boom", "old", "new", "unknown"])
        #expect(objects[1]["pool"] as? String == "gpu")
        #expect(objects[2]["pool"] as? String == "pool-v8")
        #expect(objects[3]["pool"] is NSNull)
        #expect(writer.statistics.sampledOut == 100)
    }

    /// Several producer threads push into their own rings while the writer
    /// drains them into a file; every accepted record becomes exactly one
    /// valid line and per-ring order is kept.
    @Test(.timeLimit(.minutes(1)))
    func concurrentWorkersAndWriter() throws {
        let dir = try AccessLogFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("access.log")
        let workers = 4
        let perWorker = 5_000
        let rings = (0..<workers).map { _ in AccessLogRing(capacity: 1024) }
        let writer = try AccessLogWriter(
            rings: rings, destination: .file(path.path), names: AccessLogFixture.names, flushIntervalMilliseconds: 1,
            batchBytes: 64 * 1024)
        try writer.start()
        let started = Date()
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for i in 0..<perWorker {
                var r = AccessLogFixture.record(requestID: "w\(w)-\(i)")
                r.endpoint = Int32(w % 3)
                r.bytesIn = UInt64(i)
                rings[w].push(r)
                if i % 16 == 0 { usleep(100) }  // a worker has other things to do
            }
        }
        writer.stop()
        #expect(Date().timeIntervalSince(started) < 3)
        let lines = AccessLogFixture.lines(of: path)
        let stats = writer.statistics
        #expect(UInt64(lines.count) + stats.dropped == UInt64(workers * perWorker))
        #expect(stats.linesWritten == UInt64(lines.count))
        var last = [Int](repeating: -1, count: workers)
        for line in lines {
            let o = try AccessLogFixture.object(Array(line.utf8))
            let id = try #require(o["request_id"] as? String)
            let parts = id.dropFirst().split(separator: "-").compactMap { Int($0) }
            try #require(parts.count == 2)
            #expect(parts[1] > last[parts[0]])
            last[parts[0]] = parts[1]
        }
        // Drops are legal (a debug build on two cores formats slowly), but
        // every worker must have reached the file.
        #expect(last.allSatisfy { $0 >= 0 }, "dropped \(stats.dropped)")
    }
}
