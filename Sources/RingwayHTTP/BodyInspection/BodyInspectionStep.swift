/// What the inspector says after a slice (`feed`) or at the end of the body
/// (`finish`).
public enum BodyInspectionStep: Equatable, Sendable {
    /// The slice was consistent with a valid body; send the next one, or call
    /// `finish()` if the body has ended.
    case needMore
    /// Only from `finish()`: the body is one valid JSON object and the summary
    /// is final.
    case complete
    /// The body is not acceptable; answer 400 with the error's message. Sticky:
    /// every later `feed` and `finish` repeats it until `reset`.
    case failure(BodyInspectionError)
}
