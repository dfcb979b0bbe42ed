import NasCore
import NasFiles

/// Tree-walking evaluator. One instance holds a session's global scope: the REPL feeds it one
/// cell at a time, `nasbook run` feeds it a whole file.
public final class Interpreter: CallContext {
    public let globals: Environment
    public let registry: BuiltinRegistry
    let modules: ModuleLoader
    /// Where program output goes; a closure so the REPL, files and tests can each capture it.
    public var output: (String) -> Void
    /// Print the value of bare expression statements at top level, as a notebook does.
    public var echoResults = false
    /// Polled between statements and loop iterations; true cancels evaluation (Ctrl-C).
    public var shouldInterrupt: () -> Bool = { false }
    /// Set by the REPL when stdout is a terminal; see `CallContext.liveProgress`.
    public var liveProgress = false
    /// Set by `nasbook run --db/--resume`, a saved REPL session and `replay --cached`; see
    /// `CallContext.studySettings`.
    public var studySettings = StudySettings()
    /// What the program may read and write; `.unrestricted` unless a front end draws the
    /// boundary (`nasbook` always does). Modules loaded by `use` inherit it.
    public var fileAccess = FileAccess.unrestricted {
        didSet { modules.access = fileAccess }
    }
    /// Receives all output in its plain form (what a pipe shows: no redraws, no timings), as
    /// the REPL records it into a session.
    public var transcript: ((String) -> Void)?
    /// Called with each seed a builtin draws; see `CallContext.seedDrawn`.
    public var seedObserver: ((DrawnSeed) -> Void)?
    /// Evaluation steps allowed per `execute`, for fuzzing; nil = unlimited.
    public var stepLimit: Int?

    var steps = 0
    var callDepth = 0
    /// Recursion deeper than this is almost surely a bug in the program, and deeper still
    /// would overflow the native stack.
    static let maxCallDepth = 200

    public convenience init(registry: BuiltinRegistry = .standard(), modulePaths: [String] = StdlibLocator.searchPaths(),
                            output: @escaping (String) -> Void = { print($0, terminator: "") }) {
        self.init(registry: registry, modules: ModuleLoader(searchPaths: modulePaths), output: output)
    }

    /// Modules share their loader with the interpreter that uses them, so each loads once.
    init(registry: BuiltinRegistry, modules: ModuleLoader, output: @escaping (String) -> Void) {
        self.registry = registry
        self.modules = modules
        self.output = output
        self.globals = Environment()
        for (name, value) in registry.globalValues() { globals.define(name, value) }
    }

    /// Parses, checks and runs a whole file. Syntax and name errors are all reported before
    /// anything runs, so a typo near the end never wastes a long search at the top.
    public func run(_ file: SourceFile) throws {
        let statements = try check(file)
        _ = try execute(statements)
    }

    /// Parses and resolves without running; throws every diagnostic found.
    public func check(_ file: SourceFile) throws -> [Stmt] {
        let (statements, syntaxErrors) = Parser.parse(file)
        let resolver = Resolver(known: globals.visibleNames, modules: modules, registry: registry,
                                globalValue: { [globals] in globals.lookup($0) })
        var nameErrors = resolver.resolve(statements)
        // A statement that failed to parse may have bound names later code uses; name errors
        // after the first syntax error could be echoes of it, so only earlier ones are reported.
        if let firstSyntax = syntaxErrors.map(\.span.start).min() {
            nameErrors.removeAll { $0.span.file.name == file.name && $0.span.start >= firstSyntax }
        }
        // In source order; errors inside used modules come first, as their `use` lines do.
        let all = (syntaxErrors + nameErrors).enumerated().sorted { a, b in
            let ka = (a.element.span.file.name == file.name ? 1 : 0, a.element.span.start, a.offset)
            let kb = (b.element.span.file.name == file.name ? 1 : 0, b.element.span.start, b.offset)
            return ka < kb
        }.map(\.element)
        if !all.isEmpty { throw DiagnosticList(all) }
        return statements
    }

    /// Runs statements at top level; returns the value of a final bare expression, if any.
    @discardableResult
    public func execute(_ statements: [Stmt]) throws -> Value? {
        steps = 0
        callDepth = 0
        var last: Value?
        for statement in statements {
            last = nil
            if case .expression(let expr) = statement.kind {
                let value = try evaluate(expr, in: globals)
                if echoResults, !value.isNone { write(value.rendered + "\n") }
                last = value
                continue
            }
            if case .returned = try execute(statement, in: globals) {
                throw Diagnostic("'return' outside a function", at: statement.span)
            }
        }
        return last
    }

    /// Every name a user can refer to now, for Tab completion.
    public var visibleNames: [String] { globals.visibleNames.sorted() }

    /// Member names of the value bound to a dotted path (`boards`, `cnn`), for completion.
    public func memberNames(ofPath path: [String]) -> [String] {
        guard let first = path.first, var value = globals.lookup(first) else { return [] }
        for name in path.dropFirst() {
            guard let next = Members.get(value, name) else { return [] }
            value = next
        }
        return Members.names(of: value)
    }

    // MARK: - CallContext

    public func write(_ text: String) {
        output(text)
        transcript?(text)
    }

    public func write(live: String, plain: String) {
        let shown = liveProgress ? live : plain
        if !shown.isEmpty { output(shown) }
        if !plain.isEmpty { transcript?(plain) }
    }

    public func seedDrawn(_ seed: UInt64, by builtin: String) {
        seedObserver?(DrawnSeed(builtin: builtin, seed: seed))
    }

    public func checkInterrupt(at span: SourceSpan) throws {
        if shouldInterrupt() { throw Interruption(span: span) }
    }

    public private(set) var declaredObjectives: ObjectiveSet?
    public private(set) var declaredBudget: Budget?

    /// Records a top-level declaration `search` defaults to: an unnamed `objectives` or
    /// `budget` block (a named one is passed by name: `budget: tight`).
    func declared(_ value: Value, named: Bool, in env: Environment) {
        guard !named, env === globals else { return }
        switch value {
        case .objectives(let set): declaredObjectives = set
        case .budget(let budget): declaredBudget = budget
        default: break
        }
    }

    /// Tells the registry's budget observers that `budget` now holds these limits (and keeps
    /// an edit of the declared budget as the default).
    func budgetChanged(_ budget: Budget) {
        if budget.name == declaredBudget?.name { declaredBudget = budget }
        for observer in registry.budgetObservers { observer(budget, self) }
    }

    public func call(_ function: Function, _ arguments: [Value], at span: SourceSpan) throws -> Value {
        try invoke(function, positional: arguments.map { ($0, span) }, named: [], at: span)
    }

    // MARK: - Bookkeeping

    func tick(_ span: SourceSpan) throws {
        steps += 1
        if shouldInterrupt() { throw Interruption(span: span) }
        if let stepLimit, steps > stepLimit {
            throw Diagnostic("evaluation step limit (\(stepLimit)) reached", at: span)
        }
    }
}

/// Evaluation stopped by the user (Ctrl-C). Carries where it stopped, for the message.
/// Ctrl-C stopped evaluation at `span`; the REPL reports it and keeps the session.
public struct Interruption: Error {
    public let span: SourceSpan
    public init(span: SourceSpan) { self.span = span }
}

/// A builtin ended the program on purpose, with nothing left for the rest of it to do: a
/// worker's `search` (`nasbook worker`) ran its study's trials, and what follows the search in
/// the script (show, export) is the proposer's business. Not an error; front ends exit 0.
public struct ProgramFinished: Error {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// A seed a builtin used, as a session records it.
public struct DrawnSeed: Equatable, Sendable {
    public let builtin: String
    public let seed: UInt64
    public init(builtin: String, seed: UInt64) {
        self.builtin = builtin
        self.seed = seed
    }
}

extension Value {
    var isNone: Bool { if case .none = self { return true }; return false }
}
