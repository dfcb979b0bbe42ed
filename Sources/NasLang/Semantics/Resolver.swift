import NasCore

/// Static checks before anything runs: every name is defined before use, modules exist and
/// have the members asked for, metrics are real. Reports all problems, not just the first.
final class Resolver {
    private let known: Set<String>
    private let modules: ModuleLoader
    private let registry: BuiltinRegistry

    private var diagnostics: [Diagnostic] = []
    /// Names assigned so far at top level (the program runs top to bottom).
    private var defined: Set<String> = []
    /// Names assigned anywhere at top level: function bodies may use them, since they run later.
    private var topLevel: Set<String> = []
    /// One set per enclosing function.
    private var scopes: [Set<String>] = []
    /// Members of modules bound by `use`, by binding name.
    private var moduleMembers: [String: [String]] = [:]

    /// What a global name holds before this program runs, so a call can be recognised as a
    /// call of a builtin (and not of a user's function that took its name in an earlier cell).
    private let globalValue: (String) -> Value?

    init(known: Set<String>, modules: ModuleLoader, registry: BuiltinRegistry, globalValue: @escaping (String) -> Value?) {
        self.known = known
        self.modules = modules
        self.registry = registry
        self.globalValue = globalValue
    }

    func resolve(_ statements: [Stmt]) -> [Diagnostic] {
        topLevel = Self.assignedNames(statements)
        for statement in statements { visit(statement) }
        return diagnostics
    }

    /// Names a block of statements binds at its own level (not inside nested functions).
    static func assignedNames(_ statements: [Stmt]) -> Set<String> {
        var names: Set<String> = []
        for statement in statements {
            switch statement.kind {
            case .assign(let target, _, _): if case .name(let n) = target.kind { names.insert(n) }
            case .function(let decl): if let n = decl.name { names.insert(n.text) }
            case .forLoop(let v, _, let body): names.insert(v.text); names.formUnion(assignedNames(body))
            case .ifElse(_, let then, let otherwise):
                names.formUnion(assignedNames(then))
                names.formUnion(assignedNames(otherwise ?? []))
            case .use(let module): names.insert(ModuleLoader.bindingName(for: module))
            case .space(let n, _): names.insert(n.text)
            case .objectives(let n, _): names.insert(n?.text ?? "objectives")
            case .budget(let n, _): names.insert(n?.text ?? "budget")
            case .expression, .returnValue, .show: break
            }
        }
        return names
    }

    private func define(_ name: String) {
        if scopes.isEmpty { defined.insert(name) } else { scopes[scopes.count - 1].insert(name) }
    }

    private func isVisible(_ name: String) -> Bool {
        if known.contains(name) || defined.contains(name) { return true }
        if scopes.contains(where: { $0.contains(name) }) { return true }
        return !scopes.isEmpty && topLevel.contains(name)
    }

    private func report(_ d: Diagnostic) { diagnostics.append(d) }

    // MARK: - Statements

    private func visit(_ statement: Stmt) {
        switch statement.kind {
        case .expression(let e), .show(let e):
            visit(e)
        case .assign(let target, let op, let value):
            visit(value)
            switch target.kind {
            case .name(let n):
                if op != nil { visit(target) }
                define(n)
            case .member(let base, _), .index(let base, _):
                visit(base)
                if case .index(_, let key) = target.kind { visit(key) }
            default:
                break
            }
        case .function(let decl):
            if let name = decl.name { define(name.text) }
            visit(decl)
        case .forLoop(let variable, let sequence, let body):
            visit(sequence)
            define(variable.text)
            body.forEach(visit)
        case .ifElse(let condition, let then, let otherwise):
            visit(condition)
            then.forEach(visit)
            otherwise?.forEach(visit)
        case .returnValue(let e):
            if let e { visit(e) }
            if scopes.isEmpty { report(Diagnostic("'return' outside a function", at: statement.span)) }
        case .use(let name):
            do {
                let module = try modules.declare(name, from: statement.span, registry: registry)
                define(module.bindingName)
                moduleMembers[module.bindingName] = module.members
            } catch let d as Diagnostic {
                report(d)
            } catch let list as DiagnosticList {
                diagnostics += list.diagnostics
            } catch {
                report(Diagnostic("cannot load module '\(name)': \(error)", at: statement.span))
            }
        case .space(let name, let entries):
            checkKnobChoices(entries)
            for entry in entries {
                switch entry.domain {
                case .values(let e), .fixed(let e): visit(e)
                case .interval(let lo, let hi, _): visit(lo); visit(hi)
                }
            }
            define(name.text)
        case .objectives(let name, _):
            define(name?.text ?? "objectives")
        case .budget(let name, let decls):
            for decl in decls { visit(decl.limit) }
            define(name?.text ?? "budget")
        }
    }

    private func visit(_ decl: FunctionDecl) {
        scopes.append([])
        for parameter in decl.parameters {
            if let d = parameter.defaultValue { visit(d) }
            define(parameter.name.text)
        }
        // Assignments anywhere in the body make local names; a use before them is still fine
        // at run time only if an outer scope has the name, which isVisible checks.
        decl.body.forEach(visit)
        scopes.removeLast()
    }

    // MARK: - Expressions

    private func visit(_ expr: Expr) {
        switch expr.kind {
        case .number, .string, .bool, .none:
            break
        case .name(let n):
            guard !isVisible(n) else { return }
            if topLevel.contains(n) {
                report(Diagnostic("'\(n)' is used before it is assigned", at: expr.span,
                                  hint: "move the assignment of '\(n)' above this line"))
            } else {
                var candidates = known.union(defined).union(scopes.flatMap { $0 })
                if !scopes.isEmpty { candidates.formUnion(topLevel) }
                report(Diagnostic("unknown name '\(n)'", at: expr.span, hint: Suggestions.hint(for: n, in: candidates)))
            }
        case .list(let items):
            for item in items { visit(item) }
        case .record(let fields):
            for field in fields { visit(field.value) }
        case .unary(_, let e):
            visit(e)
        case .binary(_, let l, let r), .range(let l, let r), .index(let l, let r):
            visit(l)
            visit(r)
        case .call(let callee, let args):
            visit(callee)
            for arg in args { visit(arg.value) }
            if let builtin = builtin(called: callee) { checkArguments(args, of: builtin) }
        case .member(let base, let name):
            visit(base)
            if case .name(let module) = base.kind, let members = moduleMembers[module], !members.contains(name.text),
               scopes.allSatisfy({ !$0.contains(module) }) {
                report(Diagnostic("module '\(module)' has no member '\(name.text)'", at: name.span,
                                  hint: Suggestions.hint(for: name.text, in: members) ?? "see its members with: show \(module)"))
            }
        case .function(let decl):
            visit(decl)
        }
    }

    // MARK: - Builtin calls

    /// True where the program itself binds `name` (anywhere at top level, or in a scope).
    private func boundByProgram(_ name: String) -> Bool {
        defined.contains(name) || topLevel.contains(name) || scopes.contains { $0.contains(name) }
    }

    /// The builtin a callee names (`train`, `dataset.shapes`) when nothing in the program
    /// rebinds it.
    private func builtin(called callee: Expr) -> Builtin? {
        var value: Value?
        switch callee.kind {
        case .name(let n) where !boundByProgram(n):
            value = globalValue(n)
        case .member(let base, let member):
            guard case .name(let n) = base.kind, !boundByProgram(n), case .record(let r)? = globalValue(n) else { return nil }
            value = r[member.text]
        default:
            return nil
        }
        if case .function(.builtin(let b))? = value { return b }
        return nil
    }

    /// What a call's binding would reject at run time, found now: labels the builtin does not
    /// have (with a did-you-mean), too many positional arguments, and literal strings outside a
    /// parameter's choices. `search(..., trails: 16)` must fail `check`, not a long run.
    private func checkArguments(_ args: [Argument], of builtin: Builtin) {
        let names = builtin.parameters.map(\.name)
        var position = 0
        for arg in args {
            let parameter: Builtin.Parameter?
            if let label = arg.label {
                parameter = builtin.parameters.first { $0.name == label.text }
                if parameter == nil {
                    report(Diagnostic("\(builtin.name)() has no parameter '\(label.text)'", at: label.span,
                                      hint: Suggestions.hint(for: label.text, in: names)
                                        ?? (names.isEmpty ? "it takes no named arguments" : "parameters: " + names.joined(separator: ", "))))
                    continue
                }
            } else {
                defer { position += 1 }
                guard position < names.count else {
                    if !builtin.variadic {
                        report(Diagnostic("\(builtin.name)() takes \(names.count) argument\(names.count == 1 ? "" : "s") but got more",
                                          at: arg.value.span, hint: "usage: \(builtin.signature)"))
                    }
                    continue
                }
                parameter = builtin.parameters[position]
            }
            if let parameter, let value = literal(arg.value), let (shown, hint) = parameter.problem(with: value) {
                report(builtin.mismatch(parameter, shown: shown, hint: hint, at: arg.value.span, checking: true))
            }
        }
    }

    /// The value of a literal argument, known without running anything: a number (negated or
    /// not, with or without a unit), a string, a boolean, `none`, a list of literals, and a name
    /// the program never binds whose global value is a string (`strategy: ars_mobo`).
    private func literal(_ e: Expr) -> Value? {
        switch e.kind {
        case .number(let v, let unit):
            guard let unit else { return .number(v) }
            guard let suffix = UnitSuffix.all[unit] else { return nil }
            return .number(Quantity(value: v * suffix.scale, dimension: suffix.dimension))
        case .unary(.negate, let inner):
            guard case .number(let q)? = literal(inner) else { return nil }
            return .number(Quantity(value: -q.value, dimension: q.dimension))
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .none: return Value.none
        case .list(let items):
            var values: [Value] = []
            for item in items {
                guard let v = literal(item) else { return nil }
                values.append(v)
            }
            return .list(values)
        case .name(let n) where !boundByProgram(n):
            if case .string(let s)? = globalValue(n) { return .string(s) }
            return nil
        default: return nil
        }
    }

    /// Literal strings a space gives a knob with named choices (`optimizer in ["sgd", "adma"]`).
    private func checkKnobChoices(_ entries: [SpaceEntry]) {
        for entry in entries {
            guard let choices = registry.knobChoices[entry.name.text] else { continue }
            var literals: [Expr] = []
            switch entry.domain {
            case .values(let e): if case .list(let items) = e.kind { literals = items }
            case .fixed(let e): literals = [e]
            case .interval: break
            }
            for item in literals {
                if case .string(let text) = item.kind, !choices.contains(text) {
                    report(Diagnostic("'\(entry.name.text)' must be one of " + choices.map { "\"\($0)\"" }.joined(separator: ", ")
                                      + ", not \"\(text)\"", at: item.span, hint: Suggestions.hint(for: text, in: choices)))
                }
            }
        }
    }
}
