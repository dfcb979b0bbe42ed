import Foundation
import NasCore
import NasLang
import NasRender
import NasSearch

/// `s.evaluate(test)` as the language sees it (`NasSearch.StudyEvaluation` scores the trials):
/// `.trials` as records, `.accuracy` and `.test_accuracy` the means, `.samples`; `show` prints
/// the validation-vs-test table.
struct EvaluationValue: NativeValue {
    let study: NetworkStudy
    let evaluation: StudyEvaluation

    var rows: [StudyEvaluation.Row] { evaluation.rows }
    var typeName: String { "evaluation" }
    var memberNames: [String] { ["trials", "accuracy", "test_accuracy", "samples"] }

    func member(_ name: String) -> Value? {
        switch name {
        case "trials": return .list(rows.map(record))
        case "accuracy": return .number(StudyEvaluation.mean(rows.compactMap { $0.trial.outcome.metrics?[.accuracy] }))
        case "test_accuracy": return .number(evaluation.testAccuracy)
        case "samples": return .number(Double(evaluation.samples))
        default: return nil
        }
    }

    /// A row as a record: `trial`, `accuracy` (validation), `test_accuracy`, `test_accuracy_float`, costs.
    func record(_ row: StudyEvaluation.Row) -> Value {
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
        return .record(Record(kind: .evaluation, fields))
    }

    var summary: String {
        let stopped = rows.count < evaluation.chosen ? " (stopped by Ctrl-C after \(rows.count) of \(evaluation.chosen))" : ""
        return "\(rows.count) trials of study \(study.space) scored in int8 on \(evaluation.samples) test samples of \(evaluation.dataName)\(stopped): "
            + String(format: "mean validation accuracy %.3f, mean test accuracy %.3f", evaluation.validationAccuracy, evaluation.testAccuracy)
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
