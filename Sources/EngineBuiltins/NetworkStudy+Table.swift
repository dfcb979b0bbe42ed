import NasCore
import NasRender
import NasSearch

/// A network study's trials as text tables (NasRender), for `show s`, `s.pareto` and budget
/// changes; the study itself (NasSearch) knows nothing of rendering.
extension NetworkStudy {
    /// The trials at `indices` as a table: number, status, metrics (budget breaks marked `!`), settings.
    func table(_ indices: [Int], title: String? = nil) -> String {
        let metrics = shownMetrics
        let columns = [TextTable.Column("trial", .right)] + metrics.map { TextTable.Column($0.rawValue, .right) }
            + [TextTable.Column("status"), TextTable.Column("settings")]
        let rows: [[String]] = indices.map { i in
            let t = trials[i]
            let cells = metrics.map { metric -> String in
                guard let v = t.outcome.metrics?[metric] else { return "-" }
                let broken = limits.contains { $0.metric == metric && !$0.admits(v) }
                return metric.format(v) + (broken ? "!" : "")
            }
            let status = t.outcome.status == .complete && !isFeasible(t) ? "over budget" : t.outcome.status.rawValue
            return [String(t.number)] + cells + [status, Self.describe(t.settings)]
        }
        return TextTable(title: title, columns: columns, rows: rows).render() + "\n"
    }

    /// The front under the current budget, as `show s` and budget changes print it.
    func frontTable() -> String {
        let f = front
        if f.isEmpty { return "no trial fits \(budgetDescription)\n" }
        return table(f, title: "Pareto front (\(f.count) of \(trials.count) trials, within \(budgetDescription))")
    }
}
