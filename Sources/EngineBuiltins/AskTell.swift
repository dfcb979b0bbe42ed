import Foundation
import NasCore
import NasLang
import NasOptimize
import NasSearch
import NasStudy

/// `t = ask(s)` and `tell(s, t, accuracy: 0.91, latency: 3.2 ms)`: the language's side of
/// `NetworkStudy.ask` and `.tell` (NasSearch), for trials measured outside nasbook. Here: the
/// arguments read into typed values, and the asked trial as the record scripts use.
extension SearchSession {
    /// `ask(s)`.
    func ask(_ study: NetworkStudy, call: BuiltinCall) throws -> Value {
        let asked = try call.reporting {
            try study.ask { try SearchBuiltins.strategy(named: study.strategy, call, seed: study.seed, dimensions: study.decoder.dimensions.count) }
        }
        let proposal = asked.proposal
        var fields: [(String, Value)] = [("trial", .number(Double(asked.number))), ("status", .string("running"))]
        for metric in [Metric.ram, .flash, .macs, .params, .latency] {
            if let q = proposal.computedMetrics.quantity(metric) { fields.append((metric.rawValue, .number(q))) }
        }
        fields.append(("settings", .settings(proposal.settings)))
        fields.append(("model", .native(proposal.configuration.spec)))
        fields.append(("seed", .number(Double(proposal.seed))))
        return .record(Record(kind: .trial, fields))
    }

    /// `tell(s, t, accuracy: 0.91, latency: 3.2 ms)`, or `tell(s, t, failed: "did not flash")`.
    func tell(_ study: NetworkStudy, call: BuiltinCall) throws -> Value {
        let number = try call[SearchBuiltins.toldTrial]
        var measured = MetricValues()
        for (metric, key) in SearchBuiltins.measured {
            guard let q = try call[key] else { continue }
            guard q.dimension == metric.dimension || q.dimension == .none else {
                throw call.error("tell: \(metric.rawValue) is \(metric.meaning); \(q) is not", at: metric.rawValue)
            }
            measured[metric] = q.value
        }
        let measurement: NetworkStudy.Measurement = try call[SearchBuiltins.failure].map { .failed($0, measured) } ?? .measured(measured)
        if let view = try call.reporting({ try study.tell(number, measurement) }), let c = study.continuation {
            let trained = study.trials.filter { $0.outcome.status != .infeasible }.count
            call.context.write(NetworkSearch(decoder: study.decoder, oracle: study.oracle, runner: c.runner, data: c.data, study: study)
                .line(view, attempted: trained, of: study.store.record.plannedTrials) + "\n")
        }
        return .native(NetworkStudyValue(study: study))
    }
}
