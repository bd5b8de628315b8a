import Testing
@testable import RingwayObserve

@Suite struct LayoutTests {
    @Test func refusesNamesThatWouldCollide() {
        #expect(throws: MetricsLayoutError.duplicateName(dimension: "model", name: "a")) {
            try MetricsLayout(models: ["a", "a"], pools: [], endpoints: [], keys: [], priorities: [])
        }
        #expect(throws: MetricsLayoutError.reservedName(dimension: "key", name: "anonymous")) {
            try MetricsLayout(models: [], pools: [], endpoints: [], keys: ["anonymous"], priorities: [])
        }
        #expect(throws: MetricsLayoutError.reservedName(dimension: "pool", name: "none")) {
            try MetricsLayout(models: [], pools: ["none"], endpoints: [], keys: [], priorities: [])
        }
        #expect(throws: MetricsLayoutError.endpointPoolOutOfRange(endpoint: "e", pool: 1, pools: 1)) {
            try MetricsLayout(models: [], pools: ["p"], endpoints: [.init(name: "e", pool: 1)], keys: [], priorities: [])
        }
        #expect(throws: MetricsLayoutError.duplicateName(dimension: "endpoint", name: "p/e")) {
            try MetricsLayout(models: [], pools: ["p"], endpoints: [.init(name: "e", pool: 0), .init(name: "e", pool: 0)],
                              keys: [], priorities: [])
        }
    }

    @Test func sameEndpointNameInTwoPoolsIsFine() throws {
        let layout = try MetricsLayout(
            models: [], pools: ["p", "q"], endpoints: [.init(name: "gpu-0", pool: 0), .init(name: "gpu-0", pool: 1)],
            keys: [], priorities: [])
        #expect(layout.labelPairs(.endpoint, 1).map { $0.1 } == ["q", "gpu-0"])
    }

    @Test func refusesLayoutsTooLargeForMemory() {
        let many = (0..<300).map { "m\($0)" }
        let endpoints = (0..<1000).map { MetricsLayout.Endpoint(name: "e\($0)", pool: 0) }
        #expect(throws: MetricsLayoutError.self) {
            try MetricsLayout(models: many, pools: ["p"], endpoints: endpoints, keys: [], priorities: [])
        }
    }

    @Test func cellCountMatchesTheFamilies() throws {
        let layout = try Fixtures.layout()
        let cells = MetricFamily.allCases.reduce(0) {
            $0 + layout.seriesCount($1) * ($1.kind == .histogram ? LatencyBuckets.cellsPerSeries : 1)
        }
        #expect(layout.cellCount == cells)
        // 3 models × (3 endpoints + 2 pools + none) × 16 codes.
        #expect(layout.seriesCount(.requests) == 3 * 6 * 16)
        #expect(layout.routeIndex(pool: 1, endpoint: -1) == 4)
        #expect(layout.routeIndex(pool: -1, endpoint: -1) == 5)
        #expect(layout.isReserved(.route, 3) && !layout.isReserved(.route, 2))
    }
}
