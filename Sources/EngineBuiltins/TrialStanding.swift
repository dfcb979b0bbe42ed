import NasCore
import NasLang

/// How one result record stands against a budget: failed, over budget (and on what), or
/// eligible for the Pareto front. `plot` and `table` mark records by this one rule.
struct TrialStanding {
    var failed: Bool
    /// The limits it breaks, by metric name; `feasible` when the record says `feasible: false`.
    var violations: [String]

    var eligible: Bool { !failed && violations.isEmpty }

    /// A failed trial says so: `status: "failed"`, `failed: true`, or (as `train` and
    /// `compress` report it) `failed` holding the reason. Budget limits apply to the record's
    /// fields of the same name, which must be in the limit's unit.
    static func of(_ r: Record, index: Int, budget: Budget?, call: BuiltinCall) throws -> TrialStanding {
        var failed = false
        if case .string("failed")? = r["status"] { failed = true }
        switch r["failed"] {
        case .bool(true)?: failed = true
        case .string(let reason)? where !reason.isEmpty: failed = true
        default: break
        }
        var violations: [String] = []
        if case .bool(false)? = r["feasible"] { violations.append("feasible") }
        for constraint in budget?.constraints ?? [] {
            let name = constraint.metric.rawValue
            guard case .number(let q)? = r[name], q.value.isFinite else { continue }
            guard q.dimension == constraint.metric.dimension else {
                throw call.error("\(call.name): the budget limits \(name) to \(constraint.limitQuantity.description), but record \(index + 1) has \(name) \(q.description) (\(q.dimension.noun))", at: "budget")
            }
            if !constraint.admits(q.value) { violations.append(name) }
        }
        return TrialStanding(failed: failed, violations: violations)
    }

    /// `data`, `budget:` and `objectives:` as `plot` and `table` declare them. `data` is any
    /// value: records or a study are told apart here, and `plot` draws lists of numbers too.
    static let data = TypedParameter<Value>(value: "data", .any)
    static let budget = TypedParameter<Budget?>(optionalBudget: "budget")
    static let objectives = TypedParameter<ObjectiveSet?>(optionalObjectives: "objectives")

    /// What `plot` and `table` were given to show: records, and the budget and objectives to
    /// judge them by.
    struct Results {
        var records: [Record]
        var budget: Budget?
        var objectives: ObjectiveSet?

        /// Whether larger is better for a field: as the objectives declare it, else accuracy
        /// yes and everything else no.
        func maximized(_ name: String) -> Bool {
            (objectives?.objectives.first { $0.metric.name == name }?.direction ?? Metric.searchable(named: name)?.direction) == .maximize
        }
    }

    /// The records of a `data` argument: a list of records, or a study's trials. `budget:` and
    /// `objectives:` come from the call, else from the study when it has them; nil when `data`
    /// holds no records.
    static func results(_ call: BuiltinCall) throws -> Results? {
        var items: [Value]
        var results = Results(records: [])
        switch try call[Self.data] {
        case .native(let native):
            guard case .list(let trials)? = native.member("trials") else { return nil }
            items = trials
            if case .budget(let b)? = native.member("budget") { results.budget = b }
            if case .objectives(let o)? = native.member("objectives") { results.objectives = o }
        case .list(let list) where list.contains(where: { if case .record = $0 { return true }; return false }):
            items = list
        default:
            return nil
        }
        if let budget = try call[Self.budget] { results.budget = budget }
        if let objectives = try call[Self.objectives] { results.objectives = objectives }
        results.records = try items.enumerated().map { i, item -> Record in
            guard case .record(let r) = item else {
                throw call.error("\(call.name): item \(i + 1) is \(item.typeName); expected records like {ram: 40 KB, accuracy: 0.8}", at: "data")
            }
            return r
        }
        guard !results.records.isEmpty else { throw call.error("\(call.name): nothing to show: there are no trials yet", at: "data") }
        return results
    }
}
