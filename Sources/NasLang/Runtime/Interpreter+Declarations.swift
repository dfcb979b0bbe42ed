import NasCore

/// Turning `space`, `objectives` and `budget` blocks into checked values.
extension Interpreter {
    func makeSpace(_ name: Name, _ entries: [SpaceEntry], in env: Environment) throws -> SearchSpace {
        var parameters: [SearchParameter] = []
        for entry in entries {
            if parameters.contains(where: { $0.name == entry.name.text }) {
                throw Diagnostic("parameter '\(entry.name.text)' is declared twice in space '\(name.text)'", at: entry.name.span)
            }
            let domain: SearchParameter.Domain
            switch entry.domain {
            case .fixed(let expr):
                domain = .fixed(try evaluate(expr, in: env))
            case .values(let expr):
                switch try evaluate(expr, in: env) {
                case .range(let lo, let hi):
                    guard lo <= hi else { throw Diagnostic("empty range \(lo)..\(hi)", at: expr.span) }
                    domain = .integer(lo, hi)
                case .list(let items):
                    guard !items.isEmpty else { throw Diagnostic("a choice needs at least one value", at: expr.span) }
                    for item in items {
                        switch item {
                        case .number, .string, .bool: continue
                        default:
                            throw Diagnostic("choices must be numbers, strings or booleans, not \(item.typeName)", at: expr.span)
                        }
                    }
                    domain = .categorical(items)
                case let other:
                    throw Diagnostic("'\(entry.name.text) in' needs a list, a range or an interval, not \(other.typeName)",
                                     at: expr.span, hint: "[8, 16, 32]   1..4   1e-3 ~ 1e-1 log")
                }
            case .interval(let loExpr, let hiExpr, let log):
                let lo = try quantity(loExpr, in: env), hi = try quantity(hiExpr, in: env)
                guard lo.dimension == hi.dimension else {
                    throw Diagnostic("interval ends differ in unit: \(lo.dimension.noun) and \(hi.dimension.noun)",
                                     at: loExpr.span.to(hiExpr.span))
                }
                guard lo.value < hi.value else {
                    throw Diagnostic("interval is empty: \(lo.description) is not below \(hi.description)",
                                     at: loExpr.span.to(hiExpr.span))
                }
                if log, lo.value <= 0 {
                    throw Diagnostic("a log interval must start above zero", at: loExpr.span,
                                     hint: "drop 'log' or start at a small positive value such as 1e-4")
                }
                domain = .continuous(lo, hi, log: log)
            }
            parameters.append(SearchParameter(name: entry.name.text, domain: domain, perLayer: entry.perLayer,
                                              span: entry.span))
        }
        return SearchSpace(name: name.text, parameters: parameters)
    }

    private func quantity(_ expr: Expr, in env: Environment) throws -> Quantity {
        let value = try evaluate(expr, in: env)
        guard case .number(let q) = value else {
            throw Diagnostic("interval ends must be numbers, not \(value.typeName)", at: expr.span)
        }
        return q
    }

    func makeObjectives(_ name: String, _ decls: [ObjectiveDecl], declaredAt span: SourceSpan) throws -> ObjectiveSet {
        var objectives: [Objective] = []
        for decl in decls {
            if objectives.contains(where: { $0.metric == decl.metric }) {
                throw Diagnostic("'\(decl.metric.rawValue)' is already an objective", at: decl.metricSpan)
            }
            objectives.append(Objective(decl.metric, decl.direction))
        }
        guard !objectives.isEmpty else {
            throw Diagnostic("objectives block is empty", at: span,
                             hint: "for example: objectives { maximize accuracy; minimize ram }")
        }
        return ObjectiveSet(name: name, objectives: objectives)
    }

    func makeBudget(_ name: String, _ decls: [ConstraintDecl], in env: Environment) throws -> Budget {
        var budget = Budget(name: name, constraints: [])
        for decl in decls {
            if budget.constraint(for: decl.metric) != nil {
                throw Diagnostic("budget already limits '\(decl.metric.rawValue)'", at: decl.metricSpan)
            }
            let limit = try Budgeting.limit(try evaluate(decl.limit, in: env), for: decl.metric, at: decl.limit.span)
            budget.constraints.append(Constraint(decl.metric, decl.comparison, limit.value))
        }
        return budget
    }
}

/// Checks a budget limit against the metric it bounds.
enum Budgeting {
    static func limit(_ value: Value, for metric: Metric, at span: SourceSpan) throws -> Quantity {
        guard case .number(let q) = value else {
            throw Diagnostic("a limit on \(metric.rawValue) must be a number, not \(value.typeName)", at: span)
        }
        guard q.dimension == metric.dimension else {
            let example = metric.dimension == .memory ? "write \(NumberFormat.plain(q.value)) KB or \(NumberFormat.plain(q.value)) B"
                : metric.dimension == .time ? "write \(NumberFormat.plain(q.value)) ms" : "drop the unit"
            throw Diagnostic("\(metric.rawValue) is \(metric.dimension.noun), but the limit is \(q.dimension.noun)",
                             at: span, hint: example)
        }
        guard q.value.isFinite else {
            throw Diagnostic("a limit on \(metric.rawValue) must be a finite number, not \(NumberFormat.plain(q.value))", at: span,
                             hint: "leave \(metric.rawValue) out of the budget to leave it unlimited")
        }
        if metric == .accuracy, !(0...1).contains(q.value) {
            throw Diagnostic("accuracy is a fraction between 0 and 1", at: span, hint: "write 0.9 for 90%")
        }
        if q.value < 0 { throw Diagnostic("a limit on \(metric.rawValue) cannot be negative", at: span) }
        return q
    }
}
