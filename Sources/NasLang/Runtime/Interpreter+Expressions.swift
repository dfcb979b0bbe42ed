import NasCore

extension Interpreter {
    func evaluate(_ expr: Expr, in env: Environment) throws -> Value {
        switch expr.kind {
        case .number(let value, let unit):
            guard let unit, let suffix = UnitSuffix.all[unit] else { return .number(value) }
            return .number(Quantity(value: value * suffix.scale, dimension: suffix.dimension))
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .none: return .none
        case .name(let name):
            if let v = env.lookup(name) { return v }
            throw Diagnostic("unknown name '\(name)'", at: expr.span,
                             hint: Suggestions.hint(for: name, in: env.visibleNames))
        case .list(let items):
            return .list(try items.map { try evaluate($0, in: env) })
        case .record(let fields):
            var record = Record()
            for field in fields { record[field.name.text] = try evaluate(field.value, in: env) }
            return .record(record)
        case .unary(let op, let operandExpr):
            return try Operators.unary(op, try evaluate(operandExpr, in: env), span: expr.span)
        case .binary(.and, let l, let r):
            return .bool(try truth(l, in: env) ? try truth(r, in: env) : false)
        case .binary(.or, let l, let r):
            return .bool(try truth(l, in: env) ? true : try truth(r, in: env))
        case .binary(let op, let l, let r):
            let left = try evaluate(l, in: env)
            let right = try evaluate(r, in: env)
            return try Operators.binary(op, left, right, span: expr.span)
        case .range(let l, let r):
            let lo = try integer(l, in: env, role: "range start")
            let hi = try integer(r, in: env, role: "range end")
            return .range(lo, hi)
        case .call(let calleeExpr, let arguments):
            let callee = try evaluate(calleeExpr, in: env)
            guard case .function(let function) = callee else {
                throw Diagnostic("\(callee.typeName) is not callable", at: calleeExpr.span)
            }
            var positional: [(Value, SourceSpan)] = []
            var named: [(Name, Value)] = []
            for argument in arguments {
                let value = try evaluate(argument.value, in: env)
                if let label = argument.label { named.append((label, value)) } else { positional.append((value, argument.value.span)) }
            }
            return try invoke(function, positional: positional, named: named, at: expr.span)
        case .member(let baseExpr, let name):
            let base = try evaluate(baseExpr, in: env)
            if let value = Members.get(base, name.text) { return value }
            throw Members.missing(base, name, baseText: expr.span.file.slice(baseExpr.span))
        case .index(let baseExpr, let keyExpr):
            let base = try evaluate(baseExpr, in: env)
            let key = try evaluate(keyExpr, in: env)
            return try Operators.index(base, key, span: keyExpr.span)
        case .function(let decl):
            return .function(.closure(Closure(declaration: decl, environment: env)))
        }
    }

    func integer(_ expr: Expr, in env: Environment, role: String) throws -> Int {
        let value = try evaluate(expr, in: env)
        guard case .number(let q) = value, q.dimension == .none, let i = q.exactInt else {
            throw Diagnostic("\(role) must be a whole number, not \(value.inline)", at: expr.span)
        }
        return i
    }

    /// Binds arguments to parameters (positional first, then by name) and calls.
    func invoke(_ function: Function, positional: [(Value, SourceSpan)], named: [(Name, Value)],
                at span: SourceSpan) throws -> Value {
        try tick(span)
        callDepth += 1
        defer { callDepth -= 1 }
        if callDepth > Self.maxCallDepth {
            throw Diagnostic("too many nested calls (more than \(Self.maxCallDepth)); is there runaway recursion?", at: span)
        }
        switch function {
        case .closure(let closure):
            let decl = closure.declaration
            let params = decl.parameters.map(\.name.text)
            let scope = Environment(parent: closure.environment)
            let bound = try bind(function.name, params, variadic: false, positional: positional, named: named, at: span)
            for parameter in decl.parameters {
                if let (value, _) = bound.values[parameter.name.text] {
                    scope.define(parameter.name.text, value)
                } else if let defaultExpr = parameter.defaultValue {
                    scope.define(parameter.name.text, try evaluate(defaultExpr, in: scope))
                } else {
                    throw Diagnostic("\(function.name)() is missing argument '\(parameter.name.text)'", at: span)
                }
            }
            if case .returned(let value) = try execute(decl.body, in: scope) { return value }
            // A body that ends in an expression returns it, like a notebook cell.
            if let last = decl.body.last, case .expression(let e) = last.kind {
                return try evaluate(e, in: scope)
            }
            return .none
        case .builtin(let builtin):
            let bound = try bind(builtin.name, builtin.parameters.map(\.name), variadic: builtin.variadic,
                                 positional: positional, named: named, at: span)
            var values: [String: Value] = [:]
            var spans: [String: SourceSpan] = [:]
            for parameter in builtin.parameters {
                if let (value, argSpan) = bound.values[parameter.name] {
                    // The declared type is checked here, once, so the body reads only admitted values.
                    if let (shown, hint) = parameter.problem(with: value) {
                        throw builtin.mismatch(parameter, shown: shown, hint: hint, at: argSpan)
                    }
                    values[parameter.name] = value
                    spans[parameter.name] = argSpan
                } else if let d = parameter.defaultValue {
                    values[parameter.name] = d
                } else {
                    throw Diagnostic("\(builtin.name)() is missing argument '\(parameter.name)'", at: span,
                                     hint: "usage: \(builtin.signature)")
                }
            }
            let call = BuiltinCall(name: builtin.name, span: span, values: values, spans: spans,
                                   rest: bound.rest, context: self)
            do {
                return try builtin.body(call)
            } catch let error as Diagnostic {
                throw error
            } catch let error as DiagnosticList {
                throw error
            } catch let error as Interruption {
                throw error
            } catch let error as ProgramFinished {
                throw error
            } catch {
                // The one place an engine error gets its span: the call that ran into it.
                throw Diagnostic(wrapping: error, inBuiltin: builtin.name, at: span)
            }
        }
    }

    private func bind(_ name: String, _ params: [String], variadic: Bool, positional: [(Value, SourceSpan)],
                      named: [(Name, Value)], at span: SourceSpan)
        throws -> (values: [String: (Value, SourceSpan)], rest: [(value: Value, span: SourceSpan)]) {
        var values: [String: (Value, SourceSpan)] = [:]
        var rest: [(value: Value, span: SourceSpan)] = []
        for (i, (value, argSpan)) in positional.enumerated() {
            if i < params.count {
                values[params[i]] = (value, argSpan)
            } else if variadic {
                rest.append((value, argSpan))
            } else {
                throw Diagnostic("\(name)() takes \(params.count) argument\(params.count == 1 ? "" : "s") but got \(positional.count)",
                                 at: argSpan)
            }
        }
        for (label, value) in named {
            guard params.contains(label.text) else {
                throw Diagnostic("\(name)() has no parameter '\(label.text)'", at: label.span,
                                 hint: Suggestions.hint(for: label.text, in: params)
                                    ?? (params.isEmpty ? "it takes no named arguments" : "parameters: " + params.joined(separator: ", ")))
            }
            if values[label.text] != nil {
                throw Diagnostic("\(name)() got '\(label.text)' both by position and by name", at: label.span)
            }
            values[label.text] = (value, label.span)
        }
        return (values, rest)
    }
}
