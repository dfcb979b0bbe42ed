import Foundation
import NasCore
import NasCost
import NasData
import NasNN
import NasOptimize
import NasStudy
import NasTrial

/// A search over real networks, on `NasSearch.SearchLoop`: the strategy proposes a point, the
/// decoder turns it into a plan, the cost model rejects plans that break the board or the
/// budget (never trained), the runner trains and compresses the rest, and every trial is
/// written to the study's storage with its outcome as it starts and ends.
public struct NetworkSearch {
    public let decoder: SpaceDecoder
    public let oracle: CostOracle
    public let runner: TrialRunner
    public let data: TrialData
    public let study: NetworkStudy

    public init(decoder: SpaceDecoder, oracle: CostOracle, runner: TrialRunner, data: TrialData, study: NetworkStudy) {
        (self.decoder, self.oracle, self.runner, self.data, self.study) = (decoder, oracle, runner, data, study)
    }

    /// Proposals that were all over budget before this many trials trained end the search:
    /// the space is (almost) entirely infeasible and the user should hear so.
    public static let proposalsPerTrial = 20

    /// Reference values per objective; see `NetworkStudy.reference`.
    public static func reference(for objectives: [Objective], budget: Budget?, board: TargetBoard, largest: MetricValues,
                          classes: Int) -> [Double] {
        objectives.map { o in
            if let c = budget?.constraint(for: o.metric), o.direction == .minimize { return c.limit }
            switch o.metric {
            case .accuracy: return 1 / Double(max(2, classes))
            case .loss: return log(Double(max(2, classes)))
            case .ram: return Double(board.ramBytes)
            case .flash: return Double(board.flashBytes)
            default: return 1.1 * max(1e-9, largest[o.metric] ?? 1)
            }
        }
    }

    /// Runs until `trials` networks have trained (or were attempted and failed), Ctrl-C, or
    /// the space proves infeasible. Ctrl-C keeps every finished trial and returns the study.
    /// The study's finished trials (a resumed or cached study's, or this session's before a
    /// `resume`) are replayed first: each goes through the strategy exactly as when it ran
    /// (`SearchLoop.replay`), so the strategy's state, and every later proposal, is what an
    /// uninterrupted search would have had.
    /// `echoReplay` prints replayed trials exactly as when they ran (`replay --cached`).
    /// Throws `SearchFailure` when the study database stops taking trials (a full disk, a
    /// PostgreSQL server that stopped or cannot be reached): the trials committed
    /// before stay in it, and going on would end in a result the database lacks.
    /// Every line goes to `output`, which is also asked between steps whether to stop.
    public func run(trials: Int, strategy: inout any Strategy, domain: SearchDomain, echoReplay: Bool = false,
                    output context: any SearchOutput) throws {
        let store = study.store
        var committedBefore = 0
        func record<T>(_ body: () throws -> T) throws -> T {
            do { return try body() } catch {
                let kept = study.trials.count
                throw SearchFailure("search: the study database \(store.storage.location) stopped taking trials (\(error)); "
                                 + "its \(kept) finished trial\(kept == 1 ? " is" : "s are") kept (\(kept - committedBefore) from this run). "
                                 + (StudyStorageLocation.isServer(store.storage.location)
                                    ? "When the server is back, continue with `nasbook run --resume`"
                                    : "Free disk space, then continue with `nasbook run --resume`"))
            }
        }
        // Rows a stop left `running` are dropped; the finished trials are replayed.
        let replay = try record { try store.resume() }
        try record { try study.reload() }
        committedBefore = replay.count
        var loop = SearchLoop(trials: trials, maxProposals: trials * Self.proposalsPerTrial)
        let header = "searching \(decoder.dimensions.count) dimensions with \(study.strategy) for \(trials) trials on \(study.board.name), within \(study.budgetDescription)\n"
        if echoReplay { context.write(header) }
        var attempted = 0
        let diverged = loop.replay(replay.map { SearchLoop.Replayed(x: $0.x, observation: observation($0.x, $0.status, $0.metrics),
                                                                         counted: $0.status != .infeasible) },
                                       strategy: &strategy, domain: domain) { i, _ in
            if replay[i].status != .infeasible { attempted += 1 }
            if echoReplay, i < study.trials.count { context.write(line(study.trials[i], attempted: attempted, of: trials) + "\n") }
        }
        if !replay.isEmpty, !echoReplay {
            context.write("resumed: \(replay.count) finished trials replayed through \(study.strategy), continuing at trial \(replay.count + 1)\n")
            if diverged > 0 {
                context.write("note: \(diverged) replayed trials differ from what \(study.strategy) proposes now (the script or nasbook changed); their results are kept as stored\n")
            }
        }
        if !echoReplay { context.write(header) }
        let ending = try loop.run(strategy: &strategy, domain: domain,
                                  shouldStop: { context.stopRequested }) { x -> SearchLoop.Told in
            let number = (study.trials.last?.number ?? 0) + 1
            let proposal = study.proposal(at: x, number: number)
            let seed = proposal.seed
            var row = try record { try store.start(x: x, parameters: proposal.parameters, seed: seed) }
            var outcome: TrialOutcome
            if let reason = proposal.infeasibility {
                outcome = TrialOutcome(status: .infeasible, reason: reason, metrics: proposal.computedMetrics)
            } else {
                attempted += 1
                var interrupted = false
                outcome = runner.run(proposal.configuration.plan, on: data, seed: seed,
                                     observer: observer(label: "trial \(number) [\(attempted)/\(trials)]", output: context),
                                     interrupted: &interrupted)
                context.write(live: "\r\u{1B}[K", plain: "")
                if interrupted { return .stopped }
            }
            let epochs = row.apply(outcome)
            try record { try store.finish(row, epochs: epochs) }
            study.keepNetwork(of: row.number, outcome)
            try record { try study.reload() }
            if let trial = study.trials.last { context.write(line(trial, attempted: attempted, of: trials) + "\n") }
            let told = observation(x, outcome.status, outcome.metrics ?? MetricValues())
            return outcome.status == .infeasible ? .skipped(told) : .evaluated(told)
        }
        switch ending {
        case .completed: try record { try store.markFinished() }
        case .stopped: stopped(context)
        case .exhausted:
            context.write("search ended: \(loop.proposals) proposals, only \(attempted) fit \(study.budgetDescription) — loosen the budget or shrink the space\n")
        }
    }

    /// What the strategy is told of a trial: its objectives (minimized, scaled) when it
    /// completed, else a failure at its point.
    public func observation(_ x: [Double], _ status: TrialStatus, _ metrics: MetricValues) -> Observation {
        Self.observation(x, status, metrics, study: study)
    }

    public static func observation(_ x: [Double], _ status: TrialStatus, _ metrics: MetricValues, study: NetworkStudy) -> Observation {
        status == .complete ? Observation(x: x, objectives: study.minimized(metrics)) : .failure(at: x)
    }

    /// On a terminal, one line redrawn in place with the trial's stage, epoch and loss.
    public func observer(label: String, output: any SearchOutput) -> TrialRunner.Observer {
        let live = output.liveProgress
        var observer = TrialRunner.Observer()
        var lastDraw = Date.distantPast
        observer.progress = { stage, p in
            guard live, Date().timeIntervalSince(lastDraw) > 0.1 else { return }
            lastDraw = Date()
            output.drawTraining(label, stage: stage, p)
        }
        observer.shouldStop = { output.stopRequested }
        return observer
    }

    private func stopped(_ context: any SearchOutput) {
        context.write("search stopped by Ctrl-C: the study keeps its \(study.trials.count) finished trials\n")
    }

    /// One stable line per trial (no timings, so piped output and goldens are reproducible).
    public func line(_ t: NetworkTrial, attempted: Int, of total: Int) -> String {
        let head: String
        switch t.outcome.status {
        case .complete: head = "trial \(t.number) [\(attempted)/\(total)]"
        case .failed: head = "trial \(t.number) [\(attempted)/\(total)] failed"
        case .infeasible, .running, .planned: head = "trial \(t.number) skipped, over budget:"
        }
        var parts = [head]
        if let m = t.outcome.metrics {
            parts += study.shownMetrics.compactMap { metric in
                m[metric].map { "\(metric.name) \(metric.format($0))" }
            }
        }
        if t.outcome.status == .failed, let why = t.outcome.reason { parts.append(why) }
        return parts.joined(separator: "  ") + "  | " + NetworkStudy.describe(t.settings)
    }
}
