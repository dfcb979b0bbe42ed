import Foundation
import NasCore
import NasCost
import NasData
import NasNN
import NasOptimize
import NasStudy
import NasTrial

/// One trial as a study keeps it: where the strategy asked, what that meant, what happened.
public struct NetworkTrial {
    /// 1-based, in the order trials ran.
    public let number: Int
    public let x: [Double]
    /// The settings the point chose, per-layer lists cut to the network's layers.
    public let settings: [(String, ParameterValue)]
    /// The architecture the settings chose, for rebuilding or exporting the network.
    public let spec: ModelSpec
    public let seed: UInt64
    public let outcome: TrialOutcome

    public init(number: Int, x: [Double], settings: [(String, ParameterValue)], spec: ModelSpec, seed: UInt64, outcome: TrialOutcome) {
        (self.number, self.x, self.settings, self.spec, self.seed, self.outcome) = (number, x, settings, spec, seed, outcome)
    }
}

/// A search over real networks and everything it found. A class, because the user's budget
/// can change after the search (`budget.ram = 64 KB`) and every value referring to the study
/// must then see the re-filtered front.
///
/// The trials live in `store` (a `NasSearch.Study` over SQLite for `--db`, over memory
/// otherwise); `trials` is their decoded view (settings and architecture from each point,
/// trained networks kept from this session), rebuilt from the storage after every write.
public final class NetworkStudy {
    public let space: String
    public let model: ModelSpec
    public let board: TargetBoard
    public let objectives: [Objective]
    public let strategy: String
    public let seed: UInt64
    /// Per objective, the value a trial must beat to count toward the hypervolume: the budget's
    /// limit when it has one, else the board's RAM/flash, else 1.1x the largest value the space
    /// can produce (measured with the cost model); accuracy: chance (1 / classes), since a
    /// network no better than guessing is worth nothing however small; loss: ln(classes).
    public let reference: [Double]
    public var budget: Budget?
    /// Where the trials live.
    public let store: Study
    /// How points map to networks, and their costs.
    public let decoder: SpaceDecoder
    public let oracle: CostOracle
    /// The finished trials (complete, failed, infeasible) in number order, as `reload` read them.
    public private(set) var trials: [NetworkTrial] = []
    /// Networks trained in this session, by trial number: the storage keeps metrics and
    /// curves, not weights.
    private var networks: [Int: (model: Model, bits: [BitWidth])] = [:]
    /// Calibration samples and normalization, so a trial's network can be exported or quantized.
    public let normalization: Normalization
    public let calibration: [[Float]]

    public init(space: String, model: ModelSpec, board: TargetBoard, objectives: [Objective], budget: Budget?, strategy: String,
         seed: UInt64, reference: [Double], normalization: Normalization, calibration: [[Float]], store: Study,
         decoder: SpaceDecoder, oracle: CostOracle) {
        self.store = store
        self.decoder = decoder
        self.oracle = oracle
        self.space = space
        self.model = model
        self.board = board
        self.objectives = objectives
        self.budget = budget
        self.strategy = strategy
        self.seed = seed
        self.reference = reference
        self.normalization = normalization
        self.calibration = calibration
    }

    /// What `resume` and retraining need: the runner, the data and the strategies' domain.
    public struct Continuation {
        public let runner: TrialRunner
        public let data: TrialData
        public let domain: SearchDomain
        public let trials: Int

        public init(runner: TrialRunner, data: TrialData, domain: SearchDomain, trials: Int) {
            (self.runner, self.data, self.domain, self.trials) = (runner, data, domain, trials)
        }
    }
    public var continuation: Continuation?
    /// How the search ran its trials side by side (nil or one worker: in-process).
    public var parallel: ParallelOptions?
    /// Where the study's storage was opened, password included (its `location` is redacted for
    /// messages): what a parallel search hands its worker processes.
    public var storageLocation: String?
    /// The strategy `ask` proposes with, kept between asks (see `AskTellState`).
    public var askState: AskTellState?

    /// Re-reads the finished trials from the storage (a `running` row is a trial still
    /// training, or one a stop interrupted: not a result).
    public func reload() throws {
        trials = try store.trials().filter(\.status.isFinal).map(view)
    }

    /// A stored trial as the study shows it: its settings and architecture decoded from its
    /// point, and its network when this session trained it.
    private func view(_ record: TrialRecord) -> NetworkTrial {
        let configuration = decoder.decode(record.x)
        var outcome = TrialOutcome(status: record.status, reason: record.failureReason,
                                   metrics: record.metrics.isEmpty ? nil : record.metrics, seconds: record.seconds ?? 0)
        if let network = networks[record.number] { (outcome.model, outcome.bits) = (network.model, network.bits) }
        return NetworkTrial(number: record.number, x: record.x, settings: oracle.settings(configuration), spec: configuration.spec,
                            seed: record.seed, outcome: outcome)
    }

    /// A point the strategy proposed, made ready to store as trial `number`: its configuration,
    /// the trial's seed (derived from the study's seed and the number, so a trial trains alike
    /// in any process), its settings as the storage keeps them, and its computed cost with what
    /// that cost breaks. The in-process search, the parallel proposer and `ask` all store
    /// proposals through it.
    public struct Proposal {
        public let configuration: SpaceDecoder.Configuration
        public let seed: UInt64
        /// Per-layer lists cut to this network's layers (`CostOracle.settings`).
        public let settings: [(String, ParameterValue)]
        /// Nil when the network cannot be built.
        public let cost: CostReport?
        /// The board's or the budget's limits the computed cost breaks; empty when it fits.
        public let violations: [String]

        /// The settings as the storage keeps them.
        public var parameters: [String: ParameterValue] { Dictionary(settings, uniquingKeysWith: { _, last in last }) }
        /// Why the proposal is infeasible before training, or nil when it may train.
        public var infeasibility: String? { violations.isEmpty ? nil : violations.joined(separator: "; ") }
        public var computedMetrics: MetricValues { cost.map { MetricValues(cost: $0) } ?? MetricValues() }
    }

    public func proposal(at x: [Double], number: Int) -> Proposal {
        let configuration = decoder.decode(x)
        var stream = SeededGenerator(seed: seed).derived(stream: UInt64(number))
        let cost = oracle.cost(configuration)
        return Proposal(configuration: configuration, seed: stream.next(), settings: oracle.settings(configuration), cost: cost,
                        violations: cost.map { violations(MetricValues(cost: $0)) } ?? [])
    }

    /// Keeps a trained network with its trial, for `best`, `evaluate` and export.
    public func keepNetwork(of number: Int, _ outcome: TrialOutcome) {
        if let model = outcome.model { networks[number] = (model, outcome.bits) }
    }

    /// The trial with its network: kept from its run, or retrained from its seed for trials read
    /// back from the database (which keeps metrics and curves, not weights). Training is
    /// deterministic, so the retrained network is the one that was measured.
    public func withNetwork(_ t: NetworkTrial, output: any SearchOutput) -> NetworkTrial {
        guard t.outcome.model == nil, t.outcome.status == .complete, let c = continuation,
              let index = trials.firstIndex(where: { $0.number == t.number }) else { return t }
        output.write(live: "retraining trial \(t.number) from its seed (the database keeps metrics, not weights)\n", plain: "")
        var interrupted = false
        let outcome = c.runner.run(decoder.decode(t.x).plan, on: c.data, seed: t.seed, interrupted: &interrupted)
        guard outcome.status == .complete else { return t }
        keepNetwork(of: t.number, outcome)
        var kept = t.outcome
        (kept.model, kept.bits) = (outcome.model, outcome.bits)
        let trained = NetworkTrial(number: t.number, x: t.x, settings: t.settings, spec: t.spec, seed: t.seed, outcome: kept)
        trials[index] = trained
        return trained
    }

    /// Why a trial's network breaks the board or the current budget; empty when it fits.
    public func violations(_ m: MetricValues) -> [String] { Self.violations(m, board: board, budget: budget) }

    /// The board's memory as limits: no network larger than the board is ever feasible.
    public static func boardLimits(_ board: TargetBoard) -> [Constraint] {
        [Constraint(.ram, .lessOrEqual, Double(board.ramBytes)), Constraint(.flash, .lessOrEqual, Double(board.flashBytes))]
    }

    /// Everything a feasible trial must satisfy: the board's memory and the budget.
    public static func limits(board: TargetBoard, budget: Budget?) -> [Constraint] { boardLimits(board) + (budget?.constraints ?? []) }

    public var limits: [Constraint] { Self.limits(board: board, budget: budget) }

    public static func violations(_ m: MetricValues, board: TargetBoard, budget: Budget?) -> [String] {
        var out: [String] = []
        for c in boardLimits(board) {
            guard let v = m[c.metric], !c.admits(v) else { continue }
            out.append("\(c.metric.name) \(c.metric.format(v, beside: c.limit)) > board's \(c.metric.format(c.limit))")
        }
        for c in budget?.constraints ?? [] {
            guard let v = m[c.metric], !c.admits(v) else { continue }
            out.append("\(c.metric.name) \(c.metric.format(v, beside: c.limit)) breaks \(c.metric.name) \(c.comparison.rawValue) \(c.metric.format(c.limit))")
        }
        return out
    }

    /// Complete and within the board and the current budget.
    public func isFeasible(_ t: NetworkTrial) -> Bool {
        guard t.outcome.status == .complete, let m = t.outcome.metrics else { return false }
        return limits.admit(m)
    }

    /// The trial's objectives as strategies and hypervolume see them: all minimized (accuracy
    /// negated), costs scaled by their reference so it sits at 1.
    public func minimized(_ m: MetricValues) -> [Double] { Self.minimized(m, objectives: objectives, reference: reference) }

    public static func minimized(_ m: MetricValues, objectives: [Objective], reference: [Double]) -> [Double] {
        objectives.enumerated().map { i, o in
            let v = m[o.metric] ?? reference[i]
            return o.direction == .maximize ? -v : v / reference[i]
        }
    }

    public var referencePoint: [Double] { Self.referencePoint(objectives, reference) }

    public static func referencePoint(_ objectives: [Objective], _ reference: [Double]) -> [Double] {
        zip(objectives, reference).map { $0.direction == .maximize ? -$1 : 1 }
    }

    /// Indices of the feasible non-dominated trials, best first by the first objective (the
    /// one front rule, `FeasibleFront`, over the board's and the budget's limits).
    public var front: [Int] {
        FeasibleFront.select(trials.map { $0.outcome.status == .complete ? $0.outcome.metrics : nil }, numbers: trials.map(\.number),
                             within: limits, objectives: objectives)
    }

    /// Hypervolume of the feasible trials after each trial, in the scaled space of `minimized`.
    public var history: [Double] {
        var points: [[Double]] = [], out: [Double] = []
        for t in trials {
            if isFeasible(t) { points.append(minimized(t.outcome.metrics!)) }
            out.append(Hypervolume.of(points, reference: referencePoint))
        }
        return out
    }

    public var hypervolume: Double {
        Hypervolume.of(trials.filter(isFeasible).map { minimized($0.outcome.metrics!) }, reference: referencePoint)
    }

    /// The feasible trial best at `metric`.
    public func best(by metric: Metric) -> NetworkTrial? {
        let feasible = trials.filter(isFeasible)
        let better: (Double, Double) -> Bool = metric.direction == .maximize ? { $0 > $1 } : { $0 < $1 }
        return feasible.min { a, b in better(a.outcome.metrics?[metric] ?? .nan, b.outcome.metrics?[metric] ?? .nan) }
    }

    // MARK: - Display

    /// Settings in one short line: per-layer lists as their range.
    public static func describe(_ settings: [(String, ParameterValue)]) -> String {
        settings.map { name, value in
            switch value {
            case .list(let items):
                let numbers = items.compactMap { v -> Double? in if case .number(let n) = v { return n }; return nil }
                guard let lo = numbers.min(), let hi = numbers.max() else { return "\(name) []" }
                return lo == hi ? "\(name) \(NumberFormat.plain(lo))" : "\(name) \(NumberFormat.short(lo))..\(NumberFormat.short(hi))"
            case .number(let n): return "\(name) \(NumberFormat.short(n))"
            case .string, .bool: return "\(name) \(value.inline)"
            }
        }.joined(separator: ", ")
    }

    /// Metrics shown for trials: the objectives first, then the other costs.
    public var shownMetrics: [Metric] {
        let first = objectives.map(\.metric)
        return first + [.accuracy, .ram, .flash, .macs, .latency].filter { !first.contains($0) }
    }

    public var budgetDescription: String {
        guard let budget, !budget.constraints.isEmpty else { return "board limits" }
        return budget.constraints.map { "\($0.metric.name) \($0.comparison.rawValue) \($0.metric.format($0.limit))" }
            .joined(separator: ", ")
    }

    public var summary: String {
        let complete = trials.filter { $0.outcome.status == .complete }.count
        let feasible = trials.filter(isFeasible).count
        return "study of space \(space) (\(model.family.rawValue)) on \(board.name) with \(strategy), seed \(seed): "
            + "\(trials.count) trials, \(complete) trained, \(feasible) within \(budgetDescription); "
            + "\(front.count) on the front, hypervolume \(String(format: "%.4f", hypervolume))"
    }
}
