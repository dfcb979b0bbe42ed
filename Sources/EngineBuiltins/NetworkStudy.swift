import Foundation
import NasCost
import NasData
import NasLang
import NasNN
import NasOptimize
import NasRender
import NasTrial

/// One trial as a study keeps it: where the strategy asked, what that meant, what happened.
struct NetworkTrial {
    /// 1-based, in the order trials ran.
    let number: Int
    let x: [Double]
    let settings: [(String, Value)]
    /// The architecture the settings chose, for rebuilding or exporting the network.
    let spec: ModelSpec
    let seed: UInt64
    let outcome: TrialOutcome
}

/// A search over real networks and everything it found. A class, because the user's budget
/// can change after the search (`budget.ram = 64 KB`) and every value referring to the study
/// must then see the re-filtered front.
final class NetworkStudy {
    let space: String
    let model: ModelSpec
    let board: TargetBoard
    let objectives: [Objective]
    let strategy: String
    let seed: UInt64
    /// Per objective, the value a trial must beat to count toward the hypervolume: the budget's
    /// limit when it has one, else the board's RAM/flash, else 1.1x the largest value the space
    /// can produce (measured with the cost model); accuracy: chance (1 / classes), since a
    /// network no better than guessing is worth nothing however small; loss: ln(classes).
    let reference: [Double]
    var budget: Budget?
    private(set) var trials: [NetworkTrial] = []
    /// Calibration samples and normalization, so a trial's network can be exported or quantized.
    let normalization: Normalization
    let calibration: [[Float]]

    init(space: String, model: ModelSpec, board: TargetBoard, objectives: [Objective], budget: Budget?, strategy: String,
         seed: UInt64, reference: [Double], normalization: Normalization, calibration: [[Float]]) {
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

    /// What `resume` and retraining need: how points map to networks, and the data.
    struct Continuation {
        let decoder: SpaceDecoder
        let oracle: CostOracle
        let runner: TrialRunner
        let data: TrialData
        let domain: SearchDomain
        let trials: Int
        let recorder: StudyRecorder?
    }
    var continuation: Continuation?

    func append(_ trial: NetworkTrial) { trials.append(trial) }
    func removeAllTrials() { trials.removeAll() }

    /// The trial with its network: kept from its run, or retrained from its seed for trials read
    /// back from the database (which keeps metrics and curves, not weights). Training is
    /// deterministic, so the retrained network is the one that was measured.
    func withNetwork(_ t: NetworkTrial, context: any CallContext) -> NetworkTrial {
        guard t.outcome.model == nil, t.outcome.status == .complete, let c = continuation,
              let index = trials.firstIndex(where: { $0.number == t.number }) else { return t }
        context.write(live: "retraining trial \(t.number) from its seed (the database keeps metrics, not weights)\n", plain: "")
        var interrupted = false
        let outcome = c.runner.run(c.decoder.decode(t.x).plan, on: c.data, seed: t.seed, interrupted: &interrupted)
        guard outcome.status == .complete else { return t }
        let trained = NetworkTrial(number: t.number, x: t.x, settings: t.settings, spec: t.spec, seed: t.seed, outcome: outcome)
        trials[index] = trained
        return trained
    }

    /// A metric of a trial with its unit; nil when unknown (accuracy of an untrained network).
    static func value(_ metric: Metric, _ m: TrialMetrics) -> Quantity? {
        let v: Double = switch metric {
        case .accuracy: m.accuracy
        case .loss: m.loss
        case .flash: Double(m.flashBytes)
        case .ram: Double(m.ramBytes)
        case .macs: Double(m.macs)
        case .params: Double(m.parameters)
        case .latency: m.latencySeconds
        }
        return v.isNaN ? nil : Quantity(value: v, dimension: metric.dimension)
    }

    /// Why a trial's network breaks the board or the current budget; empty when it fits.
    func violations(_ m: TrialMetrics) -> [String] { Self.violations(m, board: board, budget: budget) }

    static func violations(_ m: TrialMetrics, board: TargetBoard, budget: Budget?) -> [String] {
        var out: [String] = []
        if m.ramBytes > board.ramBytes { out.append("ram \(Self.show(.ram, Double(m.ramBytes))) > board's \(Self.show(.ram, Double(board.ramBytes)))") }
        if m.flashBytes > board.flashBytes { out.append("flash \(Self.show(.flash, Double(m.flashBytes))) > board's \(Self.show(.flash, Double(board.flashBytes)))") }
        for c in budget?.constraints ?? [] {
            guard let v = Self.value(c.metric, m), !c.admits(v) else { continue }
            out.append("\(c.metric.rawValue) \(Self.show(c.metric, v.value)) breaks \(c.metric.rawValue) \(c.op.rawValue) \(Self.show(c.metric, c.limit.value))")
        }
        return out
    }

    /// Complete and within the board and the current budget.
    func isFeasible(_ t: NetworkTrial) -> Bool {
        guard t.outcome.status == .complete, let m = t.outcome.metrics else { return false }
        return violations(m).isEmpty
    }

    /// The trial's objectives as strategies and hypervolume see them: all minimized (accuracy
    /// negated), costs scaled by their reference so it sits at 1.
    func minimized(_ m: TrialMetrics) -> [Double] { Self.minimized(m, objectives: objectives, reference: reference) }

    static func minimized(_ m: TrialMetrics, objectives: [Objective], reference: [Double]) -> [Double] {
        objectives.enumerated().map { i, o in
            let v = value(o.metric, m)?.value ?? reference[i]
            return o.maximize ? -v : v / reference[i]
        }
    }

    var referencePoint: [Double] { Self.referencePoint(objectives, reference) }

    static func referencePoint(_ objectives: [Objective], _ reference: [Double]) -> [Double] {
        zip(objectives, reference).map { $0.maximize ? -$1 : 1 }
    }

    /// Indices of the feasible non-dominated trials, best first by the first objective.
    var front: [Int] {
        let feasible = trials.indices.filter { isFeasible(trials[$0]) }
        let points = feasible.map { minimized(trials[$0].outcome.metrics!) }
        return Pareto.front(points).sorted { points[$0].lexicographicallyPrecedes(points[$1]) }.map { feasible[$0] }
    }

    /// Hypervolume of the feasible trials after each trial, in the scaled space of `minimized`.
    var history: [Double] {
        var points: [[Double]] = [], out: [Double] = []
        for t in trials {
            if isFeasible(t) { points.append(minimized(t.outcome.metrics!)) }
            out.append(Hypervolume.of(points, reference: referencePoint))
        }
        return out
    }

    var hypervolume: Double {
        Hypervolume.of(trials.filter(isFeasible).map { minimized($0.outcome.metrics!) }, reference: referencePoint)
    }

    /// The feasible trial best at `metric`.
    func best(by metric: Metric) -> NetworkTrial? {
        let feasible = trials.filter(isFeasible)
        let better: (Double, Double) -> Bool = metric.higherIsBetter ? { $0 > $1 } : { $0 < $1 }
        return feasible.min { a, b in
            better(Self.value(metric, a.outcome.metrics!)?.value ?? .nan, Self.value(metric, b.outcome.metrics!)?.value ?? .nan)
        }
    }

    // MARK: - Display

    /// Metrics as tables show them: accuracy to 3 places, memory in KB, counts compact.
    static func show(_ metric: Metric, _ v: Double) -> String {
        switch metric {
        case .accuracy, .loss: return String(format: "%.3f", v)
        case .ram, .flash: return v >= 1_048_576 ? String(format: "%.2f MB", v / 1_048_576) : String(format: "%.1f KB", v / 1024)
        case .macs, .params: return Quantity(value: v).exactInt.map(compact) ?? Quantity.format(v)
        case .latency: return v >= 1 ? String(format: "%.2f s", v) : String(format: "%.2f ms", v * 1e3)
        }
    }

    /// Settings in one short line: per-layer lists as their range.
    static func describe(_ settings: [(String, Value)]) -> String {
        settings.map { name, value in
            if case .list(let items) = value {
                let numbers = items.compactMap { v -> Double? in if case .number(let q) = v { return q.value }; return nil }
                guard let lo = numbers.min(), let hi = numbers.max() else { return "\(name) []" }
                return lo == hi ? "\(name) \(Quantity.format(lo))" : "\(name) \(Self.short(lo))..\(Self.short(hi))"
            }
            if case .number(let q) = value, q.dimension == .none { return "\(name) \(Self.short(q.value))" }
            return "\(name) \(value.inline)"
        }.joined(separator: ", ")
    }

    static func short(_ v: Double) -> String {
        // exactInt, not Int(v): a space value of 1e19 must print, not trap.
        if let whole = Quantity(value: v).exactInt { return String(whole) }
        return String(format: abs(v) < 0.01 ? "%.2g" : "%.3g", v)
    }

    /// Metrics shown for trials: the objectives first, then the other costs.
    var shownMetrics: [Metric] {
        let first = objectives.map(\.metric)
        return first + [.accuracy, .ram, .flash, .macs, .latency].filter { !first.contains($0) }
    }

    /// The trials at `indices` as a table: number, status, metrics (budget breaks marked `!`), settings.
    func table(_ indices: [Int], title: String? = nil) -> String {
        let metrics = shownMetrics
        let columns = [TextTable.Column("trial", .right)] + metrics.map { TextTable.Column($0.rawValue, .right) }
            + [TextTable.Column("status"), TextTable.Column("settings")]
        let rows: [[String]] = indices.map { i in
            let t = trials[i]
            let cells = metrics.map { metric -> String in
                guard let m = t.outcome.metrics, let v = Self.value(metric, m) else { return "-" }
                let broken = (budget?.constraint(for: metric)).map { !$0.admits(v) } ?? false
                    || (metric == .ram && m.ramBytes > board.ramBytes) || (metric == .flash && m.flashBytes > board.flashBytes)
                return Self.show(metric, v.value) + (broken ? "!" : "")
            }
            let status = t.outcome.status == .complete && !isFeasible(t) ? "over budget" : t.outcome.status.name
            return [String(t.number)] + cells + [status, Self.describe(t.settings)]
        }
        return TextTable(title: title, columns: columns, rows: rows).render() + "\n"
    }

    var budgetDescription: String {
        guard let budget, !budget.constraints.isEmpty else { return "board limits" }
        return budget.constraints.map { "\($0.metric.rawValue) \($0.op.rawValue) \(Self.show($0.metric, $0.limit.value))" }
            .joined(separator: ", ")
    }

    var summary: String {
        let complete = trials.filter { $0.outcome.status == .complete }.count
        let feasible = trials.filter(isFeasible).count
        return "study of space \(space) (\(model.family.rawValue)) on \(board.name) with \(strategy), seed \(seed): "
            + "\(trials.count) trials, \(complete) trained, \(feasible) within \(budgetDescription); "
            + "\(front.count) on the front, hypervolume \(String(format: "%.4f", hypervolume))"
    }

    /// The front under the current budget, as `show s` and budget changes print it.
    func frontTable() -> String {
        let f = front
        if f.isEmpty { return "no trial fits \(budgetDescription)\n" }
        return table(f, title: "Pareto front (\(f.count) of \(trials.count) trials, within \(budgetDescription))")
    }
}
