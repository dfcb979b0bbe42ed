import Foundation
import NasCore
import NasData
import NasLang
import NasRender
import NasSearch
import NasTrial

/// The honest final number of a study: its chosen trials scored on a test split no trial was
/// selected on. A search picks its front by validation accuracy, so the front's validation
/// accuracies are optimistic (the best of many noisy measurements); the test split is not.
struct StudyEvaluation: NativeValue {
    /// One scored trial: validation accuracy as the search measured it, test accuracy now.
    struct Row {
        let trial: NetworkTrial
        /// int8 and float accuracy on the test samples; nil when the network could not be had.
        let test: (float: Double, int8: Double)?
    }

    let study: NetworkStudy
    let rows: [Row]
    let samples: Int
    let dataName: String

    /// Scores `trials` (trained networks are reused; stored ones are retrained from their seeds)
    /// on `test`, normalized with the study's training statistics and in int8 as on the board.
    static func run(_ study: NetworkStudy, trials: [NetworkTrial], on test: Dataset, call: BuiltinCall) throws -> StudyEvaluation {
        guard let shape = trials.lazy.compactMap({ $0.outcome.model?.inputShape }).first ?? study.continuation?.data.train.sampleShape,
              test.sampleShape == shape else {
            throw call.error("evaluate: the test samples are \(describe(shape: test.sampleShape)), the study's networks take \(study.continuation.map { describe(shape: $0.data.train.sampleShape) } ?? "other samples")", at: "data")
        }
        if let classes = study.continuation?.data.train.classCount, test.classCount != classes {
            throw call.error("evaluate: the test data has \(test.classCount) classes, the study's networks \(classes)", at: "data")
        }
        let normalized = study.normalization.apply(to: test)
        var rows: [Row] = []
        for t in trials {
            try call.context.checkInterrupt(at: call.span)
            let trained = study.withNetwork(t, output: CallSearchOutput(call))
            guard let model = trained.outcome.model else { rows.append(Row(trial: trained, test: nil)); continue }
            let score = try? TrialRunner.accuracy(of: model, bits: trained.outcome.bits, calibration: study.calibration, on: normalized)
            rows.append(Row(trial: trained, test: score))
        }
        return StudyEvaluation(study: study, rows: rows, samples: test.count, dataName: test.name)
    }

    var typeName: String { "evaluation" }
    var memberNames: [String] { ["trials", "accuracy", "test_accuracy", "samples"] }

    func member(_ name: String) -> Value? {
        switch name {
        case "trials": return .list(rows.map(record))
        case "accuracy": return .number(mean(rows.compactMap { $0.trial.outcome.metrics?[.accuracy] }))
        case "test_accuracy": return .number(mean(rows.compactMap { $0.test?.int8 }))
        case "samples": return .number(Double(samples))
        default: return nil
        }
    }

    func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }

    /// A row as a record: `trial`, `accuracy` (validation), `test_accuracy`, `test_accuracy_float`, costs.
    func record(_ row: Row) -> Value {
        var fields: [(String, Value)] = [("trial", .number(Double(row.trial.number)))]
        if let m = row.trial.outcome.metrics {
            if let accuracy = m[.accuracy] { fields.append(("accuracy", .number(accuracy))) }
            if let test = row.test {
                fields += [("test_accuracy", .number(test.int8)), ("test_accuracy_float", .number(test.float))]
            }
            for metric in [Metric.ram, .flash, .macs] {
                if let v = m.quantity(metric) { fields.append((metric.rawValue, .number(v))) }
            }
        }
        fields.append(("settings", .settings(row.trial.settings)))
        return .record(Record(kind: "evaluation", fields))
    }

    var summary: String {
        let scored = rows.filter { $0.test != nil }
        return "\(rows.count) trials of study \(study.space) scored in int8 on \(samples) test samples of \(dataName): "
            + String(format: "mean validation accuracy %.3f, mean test accuracy %.3f",
                     mean(scored.compactMap { $0.trial.outcome.metrics?[.accuracy] }), mean(scored.compactMap { $0.test?.int8 }))
    }

    func render() -> String {
        let columns = [TextTable.Column("trial", .right), TextTable.Column("validation", .right), TextTable.Column("test", .right),
                       TextTable.Column("test float", .right), TextTable.Column("test - val", .right),
                       TextTable.Column("ram", .right), TextTable.Column("flash", .right), TextTable.Column("settings")]
        let body = rows.map { row -> [String] in
            let m = row.trial.outcome.metrics
            let validation = m?[.accuracy].map { Metric.accuracy.format($0) } ?? "-"
            let test = row.test.map { [Metric.accuracy.format($0.int8), Metric.accuracy.format($0.float),
                                       String(format: "%+.3f", $0.int8 - (m?[.accuracy] ?? .nan))] } ?? ["-", "-", "-"]
            return [String(row.trial.number), validation] + test
                + [m?[.ram].map { Metric.ram.format($0) } ?? "-", m?[.flash].map { Metric.flash.format($0) } ?? "-",
                   NetworkStudy.describe(row.trial.settings)]
        }
        return summary + "\n" + TextTable(columns: columns, rows: body).render() + "\n"
    }
}
