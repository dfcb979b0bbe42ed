import Foundation
import NasCore
import NasOptimize
import NasStudy

/// Trials measured outside nasbook (a real board in the loop, a training run elsewhere): `ask`
/// has the study's strategy propose the next configuration, checks it against the board and
/// the budget with the cost model (an over-budget one is recorded infeasible and the strategy
/// asked again) and stores it as a `running` trial; `tell` records what was measured, merged
/// over the computed costs. Only the `StudyStorage` protocol is used, so it works on every
/// backend, and a study in a database file survives between sessions.
///
/// The strategy's state lives with the study (`askState`): each `ask` tells it the trials
/// finished since the last one, in trial order, replaying trials it never proposed (a new
/// session, or trials told elsewhere) as `resume` does; trials asked but not told yet are
/// pending, so two `ask`s in a row give two different configurations.
extension NetworkStudy {
    /// A trial `ask` stored as running: its number and its proposal (configuration, seed,
    /// settings, computed cost).
    public struct Asked {
        public let number: Int
        public let proposal: Proposal
    }

    /// Proposes and stores the next trial. `strategy` makes the study's strategy the first
    /// time (later asks reuse it). Throws `SearchFailure` when the study has no search to
    /// continue or `proposalsPerTrial` proposals in a row break the budget.
    public func ask(strategy make: () throws -> any Strategy) throws -> Asked {
        guard let c = continuation else { throw SearchFailure("ask: this study cannot propose trials", at: "study") }
        let state = try askState ?? AskTellState(strategy: make())
        askState = state
        var stored = try store.trials()
        for t in stored where t.status.isFinal && !state.told.contains(t.number) {
            if !state.asked.contains(t.number) { _ = state.strategy.propose(after: state.history, in: c.domain) }
            state.history.append(NetworkSearch.observation(t.x, t.status, t.metrics, study: self))
            state.told.insert(t.number)
        }
        for _ in 0..<NetworkSearch.proposalsPerTrial {
            let pending = stored.filter { !$0.status.isFinal }.map(\.x)
            let x = state.strategy.proposeBatch(1, after: state.history, pending: pending, in: c.domain)[0]
            let number = (stored.map(\.number).max() ?? 0) + 1
            let proposal = proposal(at: x, number: number)
            var row = try store.start(x: x, parameters: proposal.parameters, seed: proposal.seed)
            state.asked.insert(row.number)
            if let reason = proposal.infeasibility {
                row.markInfeasible(reason, metrics: proposal.computedMetrics)
                try store.finish(row)
                state.history.append(.failure(at: x))
                state.told.insert(row.number)
                stored = try store.trials()
                continue
            }
            return Asked(number: row.number, proposal: proposal)
        }
        throw SearchFailure("ask: \(NetworkSearch.proposalsPerTrial) proposals in a row were over \(budgetDescription); loosen the budget or shrink the space")
    }

    /// What `tell` records for a trial: the measured values (merged over the computed costs),
    /// or why it failed.
    public enum Measurement {
        case measured(MetricValues)
        case failed(String, MetricValues)
    }

    /// Records trial `number`'s measurement and returns the trial as the study now shows it.
    /// Throws `SearchFailure` (at `"trial"`, or about the values) when the trial does not
    /// exist, was recorded already, belongs to a worker, or a completed measurement lacks an
    /// objective or holds an impossible value.
    @discardableResult
    public func tell(_ number: Int, _ measurement: Measurement) throws -> NetworkTrial? {
        guard var row = try store.trials().first(where: { $0.number == number }) else {
            throw SearchFailure("tell: study '\(store.record.name)' has no trial \(number)", at: "trial")
        }
        guard !row.status.isFinal else {
            throw SearchFailure("tell: trial \(number) was already recorded (\(row.status.rawValue)); ask for a new one", at: "trial")
        }
        if let owner = row.owner {
            throw SearchFailure("tell: trial \(number) is leased to worker \(owner); its worker records it", at: "trial")
        }
        let measured: MetricValues
        switch measurement { case .measured(let m), .failed(_, let m): measured = m }
        if let accuracy = measured[.accuracy], !(0...1).contains(accuracy) {
            throw SearchFailure("tell: accuracy must be a fraction in [0, 1], not \(NumberFormat.plain(accuracy))", at: Metric.accuracy.rawValue)
        }
        var metrics = oracle.cost(decoder.decode(row.x)).map { MetricValues(cost: $0) } ?? MetricValues()
        metrics.merge(measured)
        switch measurement {
        case .failed(let why, _):
            row.fail(why, metrics: metrics)
        case .measured:
            let missing = objectives.map(\.metric).filter { metrics[$0] == nil }
            guard missing.isEmpty else {
                throw SearchFailure("tell: trial \(number) needs every objective; missing \(missing.map(\.rawValue).joined(separator: ", "))",
                                    hint: "tell(s, t, " + missing.map { "\($0.rawValue): ..." }.joined(separator: ", ") + "), or failed: \"why\"")
            }
            row.complete(metrics: metrics)
        }
        try store.finish(row)
        try reload()
        return trials.first { $0.number == number }
    }
}
