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

    init(known: Set<String>, modules: ModuleLoader, registry: BuiltinRegistry) {
        self.known = known
        self.modules = modules
        self.registry = registry
    }

    func resolve(_ statements: [Stmt]) -> [Diagnostic] {
        topLevel = Self.assignedNames(statements)
        for statement in statements { visit(statement) }
        return diagnostics
    }

    /// Names a block of statements binds at its own level (not inside nested functions).
    private static func assignedNames(_ statements: [Stmt]) -> Set<String> {
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
                let module = try modules.load(name, from: statement.span, registry: registry, output: { _ in })
                define(module.bindingName)
                moduleMembers[module.bindingName] = module.record.keys
            } catch let d as Diagnostic {
                report(d)
            } catch let list as DiagnosticList {
                diagnostics += list.diagnostics
            } catch {
                report(Diagnostic("cannot load module '\(name)': \(error)", at: statement.span))
            }
        case .space(let name, let entries):
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
            items.forEach(visit)
        case .record(let fields):
            fields.forEach { visit($0.value) }
        case .unary(_, let e):
            visit(e)
        case .binary(_, let l, let r), .range(let l, let r), .index(let l, let r):
            visit(l)
            visit(r)
        case .call(let callee, let args):
            visit(callee)
            args.forEach { visit($0.value) }
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
}

