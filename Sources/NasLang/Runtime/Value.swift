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
        case .record(let r): return r.kind ?? "record"
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
public struct Record {
    /// What sort of record this is ("board", "module boards"); nil for plain `{ ... }`.
    public var kind: String?
    public private(set) var keys: [String] = []
    private var storage: [String: Value] = [:]

    public init(kind: String? = nil, _ fields: [(String, Value)] = []) {
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
    public static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.list(let x), .list(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.range(let a1, let b1), .range(let a2, let b2)): return a1 == a2 && b1 == b2
        case (.record(let x), .record(let y)):
            return x.keys == y.keys && x.keys.allSatisfy { equal(x[$0]!, y[$0]!) }
        default: return false
        }
    }
}
