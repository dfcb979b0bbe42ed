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
            guard q.dimension == constraint.limit.dimension else {
                throw call.error("\(call.name): the budget limits \(name) to \(constraint.limit.description), but record \(index + 1) has \(name) \(q.description) (\(q.dimension.noun))", at: "budget")
            }
            if !constraint.admits(q) { violations.append(name) }
        }
        return TrialStanding(failed: failed, violations: violations)
    }

    /// The records of a `data` argument: a list of records, or a study's trials (with the
    /// study's budget, if it has one, unless the call gives its own).
    static func records(_ call: BuiltinCall) throws -> (records: [Record], budget: Budget?)? {
        var items: [Value]
        var budget: Budget?
        switch call["data"] {
        case .native(let native):
            guard case .list(let trials)? = native.member("trials") else { return nil }
            items = trials
            if case .budget(let b)? = native.member("budget") { budget = b }
        case .list(let list) where list.contains(where: { if case .record = $0 { return true }; return false }):
            items = list
        default:
            return nil
        }
        switch call["budget"] {
        case .budget(let b): budget = b
        case .none: break
        default: throw call.error("\(call.name): 'budget' must be a budget, not \(call["budget"].typeName)", at: "budget")
        }
        let records = try items.enumerated().map { i, item -> Record in
            guard case .record(let r) = item else {
                throw call.error("\(call.name): item \(i + 1) is \(item.typeName); expected records like {ram: 40 KB, accuracy: 0.8}", at: "data")
            }
            return r
        }
        guard !records.isEmpty else { throw call.error("\(call.name): nothing to show: there are no trials yet", at: "data") }
        return (records, budget)
    }

    /// Whether larger is better for a field: as `objectives:` declares it, else accuracy yes
    /// and everything else no.
    static func maximized(_ name: String, _ call: BuiltinCall) throws -> Bool {
        switch call["objectives"] {
        case .objectives(let o):
            return o.objectives.first { $0.metric.rawValue == name }?.maximize ?? Metric(rawValue: name)?.higherIsBetter ?? false
        case .none:
            return Metric(rawValue: name)?.higherIsBetter ?? false
        default:
            throw call.error("\(call.name): 'objectives' must be objectives, not \(call["objectives"].typeName)", at: "objectives")
        }
    }
}
