/// Where every benchmark sends its results, so the optimizer cannot drop the
/// work that produced them: a store to a global it cannot see the readers of,
/// behind a call it may not inline.
nonisolated(unsafe) var blackHoleSink = 0

@inline(never)
func blackHole(_ value: Int) {
    blackHoleSink &+= value
}

/// Returns its argument through a call the optimizer cannot look into, so a
/// loop that parses the same bytes every iteration cannot be folded into one
/// parse. Costs a call (about a nanosecond), small beside the work measured.
@inline(never)
func opaque<T>(_ value: T) -> T {
    value
}
