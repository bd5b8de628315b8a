import Testing
@testable import RingwayRouter

@Suite struct RouterConfigDefaultsTests {
    @Test func defaultRoutesCoverTheOpenAIEndpoints() {
        let config = RouterConfig()
        let paths = config.routes.map(\.path)
        #expect(paths.contains("/v1/chat/completions"))
        #expect(paths.contains("/v1/responses"))
        #expect(config.routes.first { $0.path == "/v1/models" }?.kind == .modelList)
    }
}
