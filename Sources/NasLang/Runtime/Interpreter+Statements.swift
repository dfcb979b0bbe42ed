/// How a statement finished: normally, or by `return` from the enclosing function.
enum Flow {
    case normal
    case returned(Value)
}

extension Interpreter {
    func execute(_ statements: [Stmt], in env: Environment) throws -> Flow {
        for statement in statements {
            if case .returned(let v) = try execute(statement, in: env) { return .returned(v) }
        }
        return .normal
    }

    func execute(_ statement: Stmt, in env: Environment) throws -> Flow {
        try tick(statement.span)
        switch statement.kind {
        case .expression(let expr):
            _ = try evaluate(expr, in: env)
        case .assign(let target, let op, let valueExpr):
            var value = try evaluate(valueExpr, in: env)
            if let op {
                let current = try evaluate(target, in: env)
                value = try Operators.binary(op, current, value, span: statement.span)
            }
            try assign(value, to: target, in: env, valueSpan: valueExpr.span)
            if case .budget(let budget)? = target.rootName.flatMap({ env.lookup($0) }) { budgetChanged(budget) }
        case .function(let decl):
            env.define(decl.name!.text, .function(.closure(Closure(declaration: decl, environment: env))))
        case .forLoop(let variable, let sequenceExpr, let body):
            let sequence = try evaluate(sequenceExpr, in: env)
            func iteration(_ item: Value) throws -> Flow {
                try tick(variable.span)
                env.define(variable.text, item)
                return try execute(body, in: env)
            }
            switch sequence {
            case .list(let items):
                for item in items { if case .returned(let v) = try iteration(item) { return .returned(v) } }
            case .range(let lo, let hi) where lo <= hi:
                for i in lo...hi { if case .returned(let v) = try iteration(.number(Double(i))) { return .returned(v) } }
            case .range:
                break
            case .record(let r):
                for key in r.keys { if case .returned(let v) = try iteration(.string(key)) { return .returned(v) } }
            default:
                throw Diagnostic("cannot loop over \(sequence.typeName)", at: sequenceExpr.span,
                                 hint: "loop over a list [a, b] or a range 1..n")
            }
        case .ifElse(let condition, let then, let otherwise):
            if try truth(condition, in: env) {
                return try execute(then, in: env)
            } else if let otherwise {
                return try execute(otherwise, in: env)
            }
        case .returnValue(let expr):
            guard callDepth > 0 else { throw Diagnostic("'return' outside a function", at: statement.span) }
            return .returned(try expr.map { try evaluate($0, in: env) } ?? .none)
        case .use(let name):
            let module = try modules.load(name, from: statement.span, registry: registry, output: output)
            env.assign(module.bindingName, .record(module.record))
        case .show(let expr):
            write(try evaluate(expr, in: env).rendered + "\n")
        case .space(let name, let entries):
            let space = try makeSpace(name, entries, in: env)
            for checker in registry.spaceCheckers { try checker(space) }
            env.assign(name.text, .space(space))
        case .objectives(let name, let decls):
            let set = try makeObjectives(name?.text ?? "objectives", decls, declaredAt: statement.span)
            env.assign(name?.text ?? "objectives", .objectives(set))
            declared(.objectives(set), named: name != nil, in: env)
        case .budget(let name, let decls):
            let budget = try makeBudget(name?.text ?? "budget", decls, in: env)
            env.assign(name?.text ?? "budget", .budget(budget))
            declared(.budget(budget), named: name != nil, in: env)
            budgetChanged(budget)
        }
        return .normal
    }

    func truth(_ expr: Expr, in env: Environment) throws -> Bool {
        let value = try evaluate(expr, in: env)
        guard let b = value.isTruthy else {
            throw Diagnostic("condition must be true or false, not \(value.typeName)", at: expr.span)
        }
        return b
    }

    /// Assignment to `x`, `x.field.sub` or `x[i]`: values are copied, so the new value is
    /// rebuilt along the path and stored back into the variable.
    func assign(_ value: Value, to target: Expr, in env: Environment, valueSpan: SourceSpan) throws {
        switch target.kind {
        case .name(let name):
            env.assign(name, value)
        case .member(let base, let field):
            let container = try evaluate(base, in: env)
            try assign(try Members.set(container, field, value, span: valueSpan), to: base, in: env, valueSpan: valueSpan)
        case .index(let base, let keyExpr):
            let container = try evaluate(base, in: env)
            let key = try evaluate(keyExpr, in: env)
            try assign(try Operators.setIndex(container, key, value, span: keyExpr.span), to: base, in: env, valueSpan: valueSpan)
        default:
            throw Diagnostic("cannot assign to this expression", at: target.span)
        }
    }
}
