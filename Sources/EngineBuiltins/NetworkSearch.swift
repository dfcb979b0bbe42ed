import Foundation
import NasCost
import NasData
import NasLang
import NasNN
import NasOptimize
import NasRender
import NasTrial

/// The study loop over real networks: the strategy proposes a point, the decoder turns it into
/// a plan, the cost model rejects plans that break the board or the budget (never trained),
/// the runner trains and compresses the rest, and every trial is recorded with its outcome.
struct NetworkSearch {
    let decoder: SpaceDecoder
    let oracle: CostOracle
    let runner: TrialRunner
    let data: TrialData
    let study: NetworkStudy

    /// Proposals that were all over budget before this many trials trained end the search:
    /// the space is (almost) entirely infeasible and the user should hear so.
    static let proposalsPerTrial = 20

    /// Largest value each cost objective reaches over the space's corners and a Sobol sample,
    /// measured with the cost model (nothing trained).
    static func largestCosts(_ decoder: SpaceDecoder, runner: TrialRunner, input: [Int], classes: Int, seed: UInt64) -> TrialMetrics? {
        let d = decoder.dimensions.count
        var points = [Array(repeating: 0.0, count: d), Array(repeating: 1.0, count: d)]
        if d > 0, d <= Sobol.maxDimensions {
            var sobol = Sobol(dimensions: d, seed: seed)
            points += (0..<32).map { _ in sobol.next() }
        }
        var most: TrialMetrics?
        for x in points {
            guard let report = try? runner.cost(of: decoder.decode(x).plan, input: input, classes: classes) else { continue }
            let m = TrialMetrics(cost: report)
            guard var best = most else { most = m; continue }
            best.flashBytes = max(best.flashBytes, m.flashBytes)
            best.ramBytes = max(best.ramBytes, m.ramBytes)
            best.macs = max(best.macs, m.macs)
            best.parameters = max(best.parameters, m.parameters)
            best.latencySeconds = max(best.latencySeconds, m.latencySeconds)
            most = best
        }
        return most
    }

    /// Reference values per objective; see `NetworkStudy.reference`.
    static func reference(for objectives: [Objective], budget: Budget?, board: TargetBoard, largest: TrialMetrics,
                          classes: Int) -> [Double] {
        objectives.map { o in
            if let c = budget?.constraint(for: o.metric), !o.maximize { return c.limit.value }
            switch o.metric {
            case .accuracy: return 0
            case .loss: return log(Double(max(2, classes)))
            case .ram: return Double(board.ramBytes)
            case .flash: return Double(board.flashBytes)
            default: return 1.1 * max(1e-9, NetworkStudy.value(o.metric, largest)?.value ?? 1)
            }
        }
    }

    /// Runs until `trials` networks have trained (or were attempted and failed), Ctrl-C, or
    /// the space proves infeasible. Ctrl-C keeps every finished trial and returns the study.
    func run(trials: Int, strategy: inout any Strategy, domain: SearchDomain, call: BuiltinCall) {
        let context = call.context
        let live = context.liveProgress
        var observations: [Observation] = []
        var attempted = 0, proposals = 0
        let dims = decoder.dimensions.count
        context.write("searching \(dims) dimensions with \(study.strategy) for \(trials) trials on \(study.board.name), within \(study.budgetDescription)\n")
        while attempted < trials {
            if (try? context.checkInterrupt(at: call.span)) == nil { return stopped(attempted, context) }
            guard proposals < trials * Self.proposalsPerTrial else {
                context.write("search ended: \(proposals) proposals, only \(attempted) fit \(study.budgetDescription) — loosen the budget or shrink the space\n")
                return
            }
            proposals += 1
            let x = strategy.propose(after: observations, in: domain)
            let configuration = decoder.decode(x)
            let number = study.trials.count + 1
            var stream = SeededGenerator(seed: study.seed).derived(stream: UInt64(number))
            let seed = stream.next()
            var outcome: TrialOutcome
            let planned = oracle.cost(configuration)
            let broken = planned.map { study.violations(TrialMetrics(cost: $0)) } ?? []
            if let planned, !broken.isEmpty {
                outcome = TrialOutcome(status: .infeasible(broken), metrics: TrialMetrics(cost: planned), epochs: [], seconds: 0,
                                       model: nil, bits: [])
            } else {
                attempted += 1
                var interrupted = false
                let label = "trial \(attempted)/\(trials)"
                var observer = TrialRunner.Observer()
                var lastDraw = Date.distantPast
                observer.progress = { stage, p in
                    guard live, Date().timeIntervalSince(lastDraw) > 0.1 else { return }
                    lastDraw = Date()
                    let fraction = (Double(p.epoch - 1) + Double(p.step) / Double(p.steps)) / Double(p.epochs)
                    context.write(live: "\r\u{1B}[K\(label) \(stage) \(p.epoch)/\(p.epochs) " + ProgressBar.render(fraction: fraction, width: 20)
                                  + String(format: "  loss %.3f  acc %.3f", p.loss, p.accuracy), plain: "")
                }
                observer.shouldStop = { (try? context.checkInterrupt(at: call.span)) == nil }
                outcome = runner.run(configuration.plan, on: data, seed: seed, observer: observer, interrupted: &interrupted)
                context.write(live: "\r\u{1B}[K", plain: "")
                if interrupted { return stopped(attempted - 1, context) }
            }
            let trial = NetworkTrial(number: number, x: x, settings: configuration.settings, spec: configuration.spec, seed: seed, outcome: outcome)
            study.append(trial)
            observations.append(outcome.status == .complete ? Observation(x: x, objectives: study.minimized(outcome.metrics!))
                                                            : .failure(at: x))
            context.write(line(trial, attempted: attempted, of: trials) + "\n")
        }
    }

    private func stopped(_ finished: Int, _ context: any CallContext) {
        context.write("search stopped by Ctrl-C: the study keeps its \(study.trials.count) finished trials\n")
    }

    /// One stable line per trial (no timings, so piped output and goldens are reproducible).
    func line(_ t: NetworkTrial, attempted: Int, of total: Int) -> String {
        let head: String
        switch t.outcome.status {
        case .complete: head = "trial \(t.number) [\(attempted)/\(total)]"
        case .failed: head = "trial \(t.number) [\(attempted)/\(total)] failed"
        case .infeasible: head = "trial \(t.number) skipped, over budget:"
        }
        var parts = [head]
        if let m = t.outcome.metrics {
            parts += study.shownMetrics.compactMap { metric in
                NetworkStudy.value(metric, m).map { "\(metric.rawValue) \(NetworkStudy.show(metric, $0.value))" }
            }
        }
        if case .failed(let why) = t.outcome.status { parts.append(why) }
        return parts.joined(separator: "  ") + "  | " + NetworkStudy.describe(t.settings)
    }
}
