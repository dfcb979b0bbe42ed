import NasNN

/// Where a network search writes and whom it asks whether to stop. The search knows nothing of
/// the language: EngineBuiltins implements this over a builtin call's context (its output,
/// terminal and Ctrl-C), a test over a buffer and a counter.
public protocol SearchOutput {
    /// Text that stays: piped output and goldens see it, so it holds no timings.
    func write(_ text: String)
    /// `live` on a terminal (progress redrawn in place), `plain` elsewhere.
    func write(live: String, plain: String)
    /// Whether progress is drawn in place (a terminal).
    var liveProgress: Bool { get }
    /// Polled between trials and training steps: true once the user asked to stop (Ctrl-C).
    /// The search then keeps every finished trial and returns.
    var stopRequested: Bool { get }
    /// A trial's training progress, to draw in place; called only when `liveProgress`, at most
    /// every 0.1 s.
    func drawTraining(_ label: String, stage: String, _ progress: TrainingProgress)
}
