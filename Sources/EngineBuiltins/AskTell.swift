import Foundation
import NasCore
import NasLang
import NasOptimize
import NasSearch
import NasStudy

/// `t = ask(s)` and `tell(s, t, accuracy: 0.91, latency: 3.2 ms)`: a study whose trials are
/// measured outside nasbook (a real board in the loop, a training run elsewhere). `ask` has the
/// strategy propose the next configuration, checks it against the board and the budget with the
/// cost model (an over-budget one is recorded infeasible and the strategy asked again), stores it
/// as a `running` trial and returns it with its architecture and computed costs; `tell` records
/// what was measured, merged over the computed costs. Only the `StudyStorage` protocol is used,
/// so it works on every backend, and a study in a `--db` file survives between sessions.
///
/// The strategy's state lives with the study for the session: each `ask` tells it the trials
/// finished since the last one (in trial order), replaying trials it never proposed (a new
/// session, or trials told elsewhere) as `resume` does; trials asked but not told yet are
/// pending, so two `ask`s in a row give two different configurations.
extension SearchSession {
    /// `ask(s)`.
    func ask(_ study: NetworkStudy, call: BuiltinCall) throws -> Value {
        guard let c = study.continuation else { throw call.error("ask: this study cannot propose trials", at: "study") }
        let state = try study.askState ?? AskTellState(strategy: SearchBuiltins.strategy(
            named: study.strategy, call, seed: study.seed, dimensions: study.decoder.dimensions.count))
        study.askState = state
        let store = study.store
        var stored = try store.trials()
        for t in stored where t.status.isFinal && !state.told.contains(t.number) {
            if !state.asked.contains(t.number) { _ = state.strategy.propose(after: state.history, in: c.domain) }
            state.history.append(NetworkSearch.observation(t.x, t.status, t.metrics, study: study))
            state.told.insert(t.number)
        }
        for _ in 0..<NetworkSearch.proposalsPerTrial {
            let pending = stored.filter { !$0.status.isFinal }.map(\.x)
            let x = state.strategy.proposeBatch(1, after: state.history, pending: pending, in: c.domain)[0]
            let number = (stored.map(\.number).max() ?? 0) + 1
            let proposal = study.proposal(at: x, number: number)
            var row = try store.start(x: x, parameters: proposal.parameters, seed: proposal.seed)
            state.asked.insert(row.number)
            let computed = proposal.computedMetrics
            if let reason = proposal.infeasibility {
                row.markInfeasible(reason, metrics: computed)
                try store.finish(row)
                state.history.append(.failure(at: x))
                state.told.insert(row.number)
                stored = try store.trials()
                continue
            }
            var fields: [(String, Value)] = [("trial", .number(Double(row.number))), ("status", .string("running"))]
            for metric in [Metric.ram, .flash, .macs, .params, .latency] {
                if let q = computed.quantity(metric) { fields.append((metric.rawValue, .number(q))) }
            }
            fields.append(("settings", .settings(proposal.settings)))
            fields.append(("model", .native(proposal.configuration.spec)))
            fields.append(("seed", .number(Double(proposal.seed))))
            return .record(Record(kind: "trial", fields))
        }
        throw call.error("ask: \(NetworkSearch.proposalsPerTrial) proposals in a row were over \(study.budgetDescription); loosen the budget or shrink the space")
    }

    /// `tell(s, t, accuracy: 0.91, latency: 3.2 ms)`, or `tell(s, t, failed: "did not flash")`.
    func tell(_ study: NetworkStudy, call: BuiltinCall) throws -> Value {
        // The parameter's type admits a whole number from 1 or a trial record; a record's
        // `trial` field may have been changed, so it converts without trapping.
        let given: Double?
        switch call["trial"] {
        case .number(let q): given = q.value
        case .record(let r): if case .number(let q)? = r["trial"] { given = q.value } else { given = nil }
        default: given = nil
        }
        guard let number = given.flatMap({ Quantity(value: $0).exactInt }), number >= 1 else {
            throw call.error("tell: 'trial' must be the record ask(s) returned, or its number", at: "trial")
        }
        guard var row = try study.store.trials().first(where: { $0.number == number }) else {
            throw call.error("tell: study '\(study.store.record.name)' has no trial \(number)", at: "trial")
        }
        guard !row.status.isFinal else {
            throw call.error("tell: trial \(number) was already recorded (\(row.status.rawValue)); ask for a new one", at: "trial")
        }
        guard row.owner == nil else {
            throw call.error("tell: trial \(number) is leased to worker \(row.owner!); its worker records it", at: "trial")
        }
        var metrics = study.oracle.cost(study.decoder.decode(row.x)).map { MetricValues(cost: $0) } ?? MetricValues()
        for metric in Metric.searchable {
            guard let value = call.optional(metric.rawValue) else { continue }
            guard case .number(let q) = value, q.value.isFinite else {
                throw call.error("tell: \(metric.rawValue) must be a number, not \(value.typeName)", at: metric.rawValue)
            }
            guard q.dimension == metric.dimension || q.dimension == .none else {
                throw call.error("tell: \(metric.rawValue) is \(metric.meaning); \(q) is not", at: metric.rawValue)
            }
            if metric == .accuracy, !(0...1).contains(q.value) {
                throw call.error("tell: accuracy must be a fraction in [0, 1], not \(NumberFormat.plain(q.value))", at: metric.rawValue)
            }
            metrics[metric] = q.value
        }
        if let reason = call.optional("failed") {
            guard case .string(let why) = reason else { throw call.error("tell: failed must be a string (why)", at: "failed") }
            row.fail(why, metrics: metrics)
        } else {
            let missing = study.objectives.map(\.metric).filter { metrics[$0] == nil }
            guard missing.isEmpty else {
                throw call.error("tell: trial \(number) needs every objective; missing \(missing.map(\.rawValue).joined(separator: ", "))",
                                 hint: "tell(s, t, " + missing.map { "\($0.rawValue): ..." }.joined(separator: ", ") + "), or failed: \"why\"")
            }
            row.complete(metrics: metrics)
        }
        try study.store.finish(row)
        try study.reload()
        if let view = study.trials.first(where: { $0.number == number }) {
            let trained = study.trials.filter { $0.outcome.status != .infeasible }.count
            call.context.write(NetworkSearch(decoder: study.decoder, oracle: study.oracle, runner: study.continuation!.runner,
                                             data: study.continuation!.data, study: study)
                .line(view, attempted: trained, of: study.store.record.plannedTrials) + "\n")
        }
        return .native(NetworkStudyValue(study: study))
    }
}
