import NasCore
import NasOptimize

/// The ask/tell loop every search runs, test problems and network searches alike: the strategy
/// proposes a point after the observations so far (ask), the caller evaluates it and says what
/// happened (tell), until enough trials were evaluated, the caller stops, or proposals run out.
///
/// What differs between searches is passed in, never known here: how a point is evaluated
/// (`evaluate`), what a replayed trial looked like (`replay`), whether to stop (`shouldStop`:
/// Ctrl-C), and what to print (the caller prints inside `evaluate` and after `replay`).
///
/// Replay is how a search resumes: each stored trial goes through `strategy.propose` exactly as
/// when it ran, and its stored observation is told instead of evaluating the proposal again, so
/// the strategy's state, and every later proposal, is what an uninterrupted search would have had.
public struct SearchLoop {
    /// What evaluating a proposal told the loop.
    public enum Told {
        /// Evaluated: counts toward the trials asked for.
        case evaluated(Observation)
        /// Rejected before evaluation (the cost model showed it over budget): the strategy learns
        /// of it, but it does not count toward the trials asked for.
        case skipped(Observation)
        /// Stopped during the evaluation (Ctrl-C): nothing is told, the loop ends.
        case stopped
    }

    /// How a run ended.
    public enum Ending: Equatable {
        /// `trials` proposals were evaluated.
        case completed
        /// `shouldStop` or an evaluation said stop.
        case stopped
        /// `maxProposals` proposals were made before `trials` were evaluated: the space is
        /// (almost) all infeasible.
        case exhausted
    }

    /// A trial finished earlier, to replay.
    public struct Replayed {
        public var x: [Double]
        public var observation: Observation
        /// False for a skipped (infeasible) trial, which did not count toward the trials.
        public var counted: Bool

        public init(x: [Double], observation: Observation, counted: Bool) {
            self.x = x
            self.observation = observation
            self.counted = counted
        }
    }

    /// How many trials to evaluate (replayed ones included).
    public let trials: Int
    /// Proposals allowed before giving up (`exhausted`).
    public let maxProposals: Int
    public private(set) var observations: [Observation] = []
    /// Evaluated trials so far (replayed ones included): what `trials` counts.
    public private(set) var evaluated = 0
    /// Proposals made by `run` (replays are not counted).
    public private(set) var proposals = 0

    public init(trials: Int, maxProposals: Int? = nil) {
        self.trials = trials
        self.maxProposals = maxProposals ?? trials
    }

    /// Replays stored trials through the strategy, calling `each` after each with its index
    /// and whether the strategy now proposes something else (the script or nasbook changed).
    /// Returns how many diverged.
    @discardableResult
    public mutating func replay(_ stored: [Replayed], strategy: inout any Strategy, domain: SearchDomain,
                                each: (_ index: Int, _ diverged: Bool) throws -> Void) rethrows -> Int {
        var diverged = 0
        for (i, trial) in stored.enumerated() {
            let proposed = strategy.propose(after: observations, in: domain)
            let differs = !Self.same(proposed, trial.x)
            if differs { diverged += 1 }
            observations.append(trial.observation)
            if trial.counted { evaluated += 1 }
            try each(i, differs)
        }
        return diverged
    }

    /// Asks and tells until `trials` are evaluated, a stop, or `maxProposals` proposals.
    /// `evaluate` gets the proposal and the number of evaluated trials before it.
    public mutating func run(strategy: inout any Strategy, domain: SearchDomain, shouldStop: () -> Bool = { false },
                             evaluate: (_ x: [Double]) throws -> Told) rethrows -> Ending {
        while evaluated < trials {
            if shouldStop() { return .stopped }
            guard proposals < maxProposals else { return .exhausted }
            proposals += 1
            let x = strategy.propose(after: observations, in: domain)
            switch try evaluate(x) {
            case .evaluated(let observation):
                evaluated += 1
                observations.append(observation)
            case .skipped(let observation):
                observations.append(observation)
            case .stopped:
                return .stopped
            }
        }
        return .completed
    }

    /// Points equal up to the rounding a database round trip may add.
    public static func same(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 }
    }
}
