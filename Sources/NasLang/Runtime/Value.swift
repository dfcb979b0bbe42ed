import NasCore

/// Every value a .nas program can hold. Values are plain data (copying a record copies it);
/// only closures share state, through the environment they captured.
public enum Value {
    case none
    case bool(Bool)
    case number(Quantity)
    case string(String)
    case list([Value])
    case record(Record)
    /// An inclusive integer range `lo..hi`, kept lazy so `1..1000000` costs nothing.
    case range(Int, Int)
    case function(Function)
    case space(SearchSpace)
    case objectives(ObjectiveSet)
    case budget(Budget)
    /// Engine objects (models, datasets, studies) added by later builtins.
    case native(any NativeValue)

    public static func number(_ v: Double, _ dimension: Dimension = .none) -> Value {
        .number(Quantity(value: v, dimension: dimension))
    }

    /// The name users see in messages and from `type(x)`.
    public var typeName: String {
        switch self {
        case .none: return "none"
        case .bool: return "bool"
        case .number(let q): return q.dimension == .none ? "number" : "number (\(q.dimension.noun))"
        case .string: return "string"
        case .list: return "list"
        case .record(let r): return r.kind?.description ?? "record"
        case .range: return "range"
        case .function: return "function"
        case .space: return "space"
        case .objectives: return "objectives"
        case .budget: return "budget"
        case .native(let n): return n.typeName
        }
    }

    public var isTruthy: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }
}

/// Hook for engine objects, so the language never needs to know what a model or study is.
public protocol NativeValue {
    var typeName: String { get }
    /// Members reachable with `.name`, for evaluation and Tab completion.
    var memberNames: [String] { get }
    func member(_ name: String) -> Value?
    /// One-line form for lists and the REPL.
    var summary: String { get }
    /// Full form for `show`.
    func render() -> String
}

/// Fields in the order they were written: tables should look like the code that made them.
/// What sort of record a value is, each kind named once: its name is the record's type name in
/// messages and `type(x)`, and what builtins recognise it by (`export` takes a `.trial`'s model,
/// `cost` a `.board`). A plain `{ ... }` has none.
public enum RecordKind: Hashable, Sendable, CustomStringConvertible {
    /// `board(...)` and the boards of `stdlib/boards.nas`.
    case board
    /// A trial of a study (`s.trials`, `ask(s)`, a test problem's trials) and its `settings`.
    case trial, settings
    /// What `cost`, `fits`, `train`, `compress`, `quantize` and `s.evaluate(...).trials` return.
    case cost, fit, training, compression, quantization, evaluation
    /// A search-space parameter (`space.width`).
    case parameter
    /// A module's members (`import boards`) or a builtin namespace (`dataset`): read-only.
    case module(String)

    public var description: String {
        switch self {
        case .board: return "board"
        case .trial: return "trial"
        case .settings: return "settings"
        case .cost: return "cost"
        case .fit: return "fit"
        case .training: return "training"
        case .compression: return "compression"
        case .quantization: return "quantization"
        case .evaluation: return "evaluation"
        case .parameter: return "parameter"
        case .module(let name): return "module \(name)"
        }
    }

    public var isModule: Bool { if case .module = self { return true }; return false }
}

public struct Record {
    /// What sort of record this is; nil for plain `{ ... }`.
    public var kind: RecordKind?
    public private(set) var keys: [String] = []
    private var storage: [String: Value] = [:]

    public init(kind: RecordKind? = nil, _ fields: [(String, Value)] = []) {
        self.kind = kind
        for (k, v) in fields { self[k] = v }
    }

    public subscript(key: String) -> Value? {
        get { storage[key] }
        set {
            if storage[key] == nil, newValue != nil { keys.append(key) }
            if newValue == nil { keys.removeAll { $0 == key } }
            storage[key] = newValue
        }
    }

    public var fields: [(key: String, value: Value)] { keys.map { ($0, storage[$0]!) } }
    public var count: Int { keys.count }
}

extension Value {
    /// Structural equality, with units: `1 KB == 1024 B` is true, `1 KB == 1024` is false.
    /// Lists share their elements, so `x = [x, x]` forty times is a small value with 2^40
    /// leaves; pairs of lists already compared are remembered (by storage), which makes that
    /// comparison linear in the nesting, and past `maxComparedContainers` lists and records
    /// compared in one `==` (doubled records) it is an error rather than a hang. Leaves are not
    /// counted: a flat list of a million numbers compares in full.
    public static func equal(_ a: Value, _ b: Value, at span: SourceSpan) throws -> Bool {
        var comparer = Comparer()
        let result = comparer.equal(a, b)
        if comparer.exhausted {
            throw Diagnostic("values too large to compare (more than \(maxComparedContainers) nested lists and records)", at: span,
                             hint: "compare smaller parts, e.g. len(a) == len(b) or a[0] == b[0]")
        }
        return result
    }

    /// Lists and records one `==` may visit.
    public static let maxComparedContainers = 1_000_000

    private struct Comparer {
        var visited = 0
        var exhausted = false
        /// Results for pairs of list storages, keyed by their base addresses.
        var known: [Pair: Bool] = [:]

        struct Pair: Hashable {
            let a: UnsafeRawPointer?
            let b: UnsafeRawPointer?
        }

        mutating func equal(_ a: Value, _ b: Value) -> Bool {
            if exhausted { return false }
            switch (a, b) {
            case (.list, .list), (.record, .record):
                visited += 1
                if visited > Value.maxComparedContainers {
                    exhausted = true
                    return false
                }
            default: break
            }
            switch (a, b) {
            case (.none, .none): return true
            case (.bool(let x), .bool(let y)): return x == y
            case (.number(let x), .number(let y)): return x == y
            case (.string(let x), .string(let y)): return x == y
            case (.list(let x), .list(let y)):
                guard x.count == y.count else { return false }
                // Both arrays stay alive for the whole comparison, so their addresses are stable keys.
                let pair = Pair(a: x.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) },
                                b: y.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) })
                if pair.a != nil, let result = known[pair] { return result }
                var result = true
                for (p, q) in zip(x, y) where !equal(p, q) {
                    result = false
                    break
                }
                if pair.a != nil, !exhausted { known[pair] = result }
                return result
            case (.range(let a1, let b1), .range(let a2, let b2)): return a1 == a2 && b1 == b2
            case (.record(let x), .record(let y)):
                guard x.keys == y.keys else { return false }
                for key in x.keys where !equal(x[key]!, y[key]!) { return false }
                return true
            default: return false
            }
        }
    }
}
