import RingwayRouter

/// What one probe's answer means for the endpoint, and the log line an
/// operator sees when that meaning changes (never one line per probe).
extension ProbeRunner {
    /// Returns the tracker with this check folded in.
    func checkHealth(_ task: ProbeTask, _ check: HealthCheckConfig, _ tracker: HealthTracker) -> HealthTracker {
        var tracker = tracker
        let failure: String?
        do {
            let response = try client.get(check.path, from: task.address, tls: task.tls, timeoutMs: check.timeoutMs)
            failure = response.isSuccess ? nil : "health check \(check.path) returned \(response.status)"
        } catch .cancelled {
            return tracker  // stopping: a half-done check proves nothing
        } catch {
            failure = "health check \(check.path) failed: \(error)"
        }
        if tracker.record(success: failure == nil) {
            task.shared.setHealthy(tracker.isHealthy)
            log(tracker.isHealthy ? "endpoint \(task.url) healthy again" : "endpoint \(task.url) unhealthy: \(failure!)")
        }
        return tracker
    }

    /// Records the scraped load; returns whether the scrape failed. A failed
    /// scrape leaves the old figures in place: they age out and the
    /// balancer stops steering by them (`SharedEndpointState.hasLoad`).
    func scrapeMetrics(_ task: ProbeTask, _ scrape: MetricsScrapeConfig, failing: Bool) -> Bool {
        let failure: String?
        do {
            let response = try client.get(scrape.path, from: task.address, tls: task.tls, timeoutMs: scrape.timeoutMs)
            if !response.isSuccess {
                failure = "returned \(response.status)"
            } else if let load = response.body.withUnsafeBytes({ ServerLoadMetrics.parse($0, flavor: scrape.flavor) }) {
                task.shared.recordLoad(
                    waiting: load.waiting, running: load.running, kvCacheUsage: load.kvCacheUsage, at: clock())
                failure = nil
            } else {
                failure = "returned no \(scrape.flavor.rawValue) load figures"
            }
        } catch .cancelled {
            return failing
        } catch {
            failure = "failed: \(error)"
        }
        if let failure, !failing {
            log("endpoint \(task.url) metrics scrape \(scrape.path) \(failure); its load figures will age out")
        } else if failure == nil && failing {
            log("endpoint \(task.url) metrics scrape \(scrape.path) works again")
        }
        return failure != nil
    }
}
