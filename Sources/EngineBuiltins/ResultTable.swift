import NasCore
import NasLang
import NasOptimize
import NasRender

/// `table(records, budget:, sort:, front:)`: results as an aligned table with a mark per row:
/// `●` on the Pareto front, `✗` over budget (the limits it breaks in a column), `!` failed.
enum ResultTable {
    /// A numeric field to sort by, best first (as the objectives or the field's metric say).
    static let sort = TypedParameter<String?>("sort")
    /// Keep only the rows on the Pareto front.
    static let front = TypedParameter<Bool>("front", default: false)

    static func register(into r: inout BuiltinRegistry) {
        r.register(Builtin("table", declaring: [TrialStanding.data, TrialStanding.budget, TrialStanding.objectives, sort, front],
                           doc: "Prints records (a study, s.trials, or a list of records) as a table marking the Pareto front (● ; over `objectives`, else accuracy, ram and flash), budget violations (✗, with what they break) and failed trials (!). sort: a field, best first; front: true keeps only the front.") { call in
            call.context.write(try render(call) + "\n")
            return .none
        })
    }

    static func render(_ call: BuiltinCall) throws -> String {
        guard let results = try TrialStanding.results(call) else {
            let given = try call[TrialStanding.data]
            throw call.error("table: 'data' must be records or a study, not \(given.typeName)", at: TrialStanding.data.name,
                             hint: "for example: table(s.trials, budget: budget, sort: \"accuracy\")")
        }
        let (records, budget) = (results.records, results.budget)
        // Plain values only: settings records and trained models would make every row a screen wide.
        var fields: [String] = []
        for r in records {
            for (key, value) in r.fields where !fields.contains(key) {
                switch value {
                case .number, .string, .bool, .none: fields.append(key)
                default: continue
                }
            }
        }
        let numeric = fields.filter { key in records.contains { if case .number? = $0[key] { return true }; return false } }
        let standings = try records.enumerated().map { try TrialStanding.of($1, index: $0, budget: budget, call: call) }

        // The front's objectives: those declared (by the call or the study), else the search's
        // default (accuracy, ram, flash, those present), else every numeric field but the trial
        // number (test problems' f1, f2, ...).
        var objectives = results.objectives?.objectives.map(\.metric.rawValue).filter(numeric.contains)
            ?? ["accuracy", "ram", "flash"].filter(numeric.contains)
        if objectives.isEmpty && results.objectives == nil { objectives = numeric.filter { $0 != "trial" } }
        let signs = objectives.map { results.maximized($0) ? -1.0 : 1.0 }
        let columns = try objectives.map { try PlotData.column($0, of: records, call: call) }
        let candidates = records.indices.filter { i in standings[i].eligible && columns.allSatisfy { $0.values[i] != nil } }
        let front = Set(Pareto.front(candidates.map { i in columns.enumerated().map { k, c in signs[k] * c.values[i]! } }).map { candidates[$0] })

        var order = Array(records.indices)
        if let name = try call[Self.sort] {
            guard numeric.contains(name) else {
                throw fields.contains(name)
                    ? call.error("table: can sort only by a numeric field, and '\(name)' is not one", at: Self.sort.name)
                    : call.error("table: the records have no field '\(name)'", at: Self.sort.name, hint: Suggestions.hint(for: name, in: numeric))
            }
            let key = try PlotData.column(name, of: records, call: call)
            let sign = results.maximized(name) ? -1.0 : 1.0
            // Best first; records without the value last, each group in its original order.
            order.sort { a, b in
                switch (key.values[a], key.values[b]) {
                case (let x?, let y?): return sign * x < sign * y || (x == y && a < b)
                case (_?, nil): return true
                case (nil, _?): return false
                case (nil, nil): return a < b
                }
            }
        }
        if try call[Self.front] { order.removeAll { !front.contains($0) } }

        let breaks = order.contains { !standings[$0].violations.isEmpty }
        var tableColumns = fields.map { TextTable.Column($0, numeric.contains($0) ? .right : .left) }
        if breaks { tableColumns.append(.init("over budget")) }
        let rows = order.map { i in
            fields.map { records[i][$0]?.printed ?? "" } + (breaks ? [overBudget(standings[i])] : [])
        }
        let marks = order.map { i in standings[i].failed ? "!" : !standings[i].violations.isEmpty ? "✗" : front.contains(i) ? "●" : "" }
        return TextTable(columns: tableColumns, rows: rows).marked(marks).render()
    }

    /// The limits a record breaks; a record that only says `feasible: false` (a study judged it
    /// against the board too) says so, unless it failed, which its `!` already tells.
    static func overBudget(_ standing: TrialStanding) -> String {
        let limits = standing.violations.filter { $0 != "feasible" }
        if limits.isEmpty && !standing.failed && standing.violations.contains("feasible") { return "marked infeasible" }
        return limits.joined(separator: ", ")
    }
}
