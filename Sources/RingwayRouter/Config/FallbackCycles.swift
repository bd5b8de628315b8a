/// Finds fallback chains that loop (a → b → a). A loop would not hang a
/// request (attempts are bounded) but it means the operator's intended last
/// resort is never reached, so it is refused.
enum FallbackCycles {
    struct Cycle: Equatable {
        /// The names around the loop, first repeated at the end: a → b → a.
        var names: [String]
        /// The fallback entry that closes the loop, e.g. `models.b.fallbacks[0]`.
        var path: String
    }

    /// Every cycle once, found by depth-first search from each model in
    /// file order.
    static func find(in models: [ModelConfig]) -> [Cycle] {
        let byName = Dictionary(models.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var finished: Set<String> = []
        var cycles: [Cycle] = []
        var seenCycles: Set<Set<String>> = []

        func visit(_ name: String, stack: inout [String]) {
            guard let model = byName[name] else { return }
            stack.append(name)
            for (index, next) in model.fallbacks.enumerated() where byName[next] != nil {
                if let start = stack.firstIndex(of: next) {
                    let loop = Array(stack[start...])
                    if seenCycles.insert(Set(loop)).inserted {
                        let path = ConfigPath.index(ConfigPath.member(ConfigPath.member("models", name), "fallbacks"), index)
                        cycles.append(Cycle(names: loop + [next], path: path))
                    }
                } else if !finished.contains(next) {
                    visit(next, stack: &stack)
                }
            }
            stack.removeLast()
            finished.insert(name)
        }

        for model in models where !finished.contains(model.name) {
            var stack: [String] = []
            visit(model.name, stack: &stack)
        }
        return cycles
    }
}
