import NasCore

/// The set of builtins a session can call. Engine parts contribute theirs by registering
/// into a registry before the interpreter starts; the language core never imports them.
public struct BuiltinRegistry {
    public private(set) var builtins: [String: Builtin] = [:]
    /// Named values bound in every global scope (metric and strategy names), so a program can
    /// write `strategy: ars_mobo` or `best(by: accuracy)` without quotes.
    public private(set) var constants: [String: Value] = [:]
    /// Called whenever a budget is declared or one of its limits changes, so results that
    /// depend on it (a study's feasible front) can be re-filtered and shown at once.
    public private(set) var budgetObservers: [(Budget, any CallContext) -> Void] = []

    /// The names a search-space knob may take (`optimizer`: "sgd", "adam"), so `check` can
    /// refuse `optimizer in ["sgd", "adma"]` at its span before anything runs.
    public private(set) var knobChoices: [String: [String]] = [:]
    /// Run on every space when its declaration runs; a throw is the declaration's error. The
    /// engine checks the knobs it owns here (`epochs = -1`, `bits in [1, 9]`).
    public private(set) var spaceCheckers: [(SearchSpace) throws -> Void] = []

    public init() {}

    public mutating func defineKnobChoices(_ knob: String, _ names: [String]) {
        knobChoices[knob] = names
    }

    public mutating func checkSpaces(_ checker: @escaping (SearchSpace) throws -> Void) {
        spaceCheckers.append(checker)
    }

    /// Adds a builtin; a later registration under the same name replaces the earlier one.
    public mutating func register(_ builtin: Builtin) {
        builtins[builtin.name] = builtin
    }

    public func lookup(_ name: String) -> Builtin? { builtins[name] }

    /// Binds `name` to `value` in every global scope; a program may rebind it.
    public mutating func define(_ name: String, _ value: Value) {
        constants[name] = value
    }

    public mutating func observeBudgets(_ observer: @escaping (Budget, any CallContext) -> Void) {
        budgetObservers.append(observer)
    }

    /// Values bound in every global scope: plain builtins as functions, dotted builtins
    /// (`dataset.shapes`) grouped into namespace records (`dataset`).
    func globalValues() -> [(String, Value)] {
        var plain: [(String, Value)] = []
        var namespaces: [String: Record] = [:]
        for name in builtins.keys.sorted() {
            let builtin = builtins[name]!
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                namespaces[parts[0], default: Record(kind: .module(parts[0]))][parts[1]] = .function(.builtin(builtin))
            } else {
                plain.append((name, .function(.builtin(builtin))))
            }
        }
        return plain + namespaces.keys.sorted().map { ($0, .record(namespaces[$0]!)) }
            + constants.keys.sorted().map { ($0, constants[$0]!) }
    }

    /// The core library: printing, conversion, math, collections and hardware descriptions.
    public static func standard() -> BuiltinRegistry {
        var registry = BuiltinRegistry()
        CoreBuiltins.register(into: &registry)
        return registry
    }
}
