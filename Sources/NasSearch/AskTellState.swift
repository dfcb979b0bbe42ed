import NasOptimize

/// The strategy `ask` proposes with, kept with its study for the session (`NetworkStudy.askState`):
/// each `ask` tells it the trials finished since the last one, in trial order; trials asked but
/// not told yet are pending, so two `ask`s in a row give two different configurations.
public final class AskTellState {
    public var strategy: any Strategy
    public var history: [Observation] = []
    /// Trial numbers the strategy has been told.
    public var told: Set<Int> = []
    /// Trial numbers this state proposed (their proposal is not replayed).
    public var asked: Set<Int> = []

    public init(strategy: any Strategy) { self.strategy = strategy }
}
