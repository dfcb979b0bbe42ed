import NasCore
import NasFiles

/// A function implemented in Swift and callable from .nas code. Engine capabilities
/// (`train`, `search`, ...) reach the language only through builtins, which keeps the
/// language independent of the engine.
public struct Builtin {
    /// One parameter: its name, what it accepts and its default. The type is the one place
    /// its check lives: `check` applies it to literal arguments, the interpreter to every
    /// argument before the body runs, `:help` shows it.
    public struct Parameter {
        public var name: String
        public var type: ParameterType
        /// nil: required. A default of `none` means "not given": the parameter then admits
        /// `none` besides its type (`weight_decay: number [0, 1] = none`).
        public var defaultValue: Value?

        public init(_ name: String, _ type: ParameterType, default defaultValue: Value? = nil) {
            self.name = name
            self.type = type
            self.defaultValue = defaultValue
        }

        /// Nil when the parameter admits `value`; otherwise what is wrong, as (value shown, hint).
        public func problem(with value: Value) -> (shown: String, hint: String?)? {
            if case .none = value, case .none? = defaultValue { return nil }
            return type.problem(with: value)
        }

        /// `trials: integer 1...100000 = 20`, as `:help` lists it.
        public var help: String {
            "\(name): \(type.description)" + (defaultValue.map { " = \($0.inline)" } ?? "")
        }
    }

    /// Dotted names (`dataset.shapes`) appear in the language as members of a namespace.
    public var name: String
    public var parameters: [Parameter]
    /// Extra positional arguments go to `BuiltinCall.rest` (e.g. `print(a, b, c)`).
    public var variadic: Bool
    /// One or two sentences for `:help name`.
    public var doc: String
    public var body: (BuiltinCall) throws -> Value

    public init(_ name: String, _ parameters: [Parameter] = [], variadic: Bool = false, doc: String,
                body: @escaping (BuiltinCall) throws -> Value) {
        self.name = name
        self.parameters = parameters
        self.variadic = variadic
        self.doc = doc
        self.body = body
    }

    /// `name(a, b = 1, ...)`, as shown by help.
    public var signature: String {
        var parts = parameters.map { p in p.defaultValue.map { "\(p.name): \($0.inline)" } ?? p.name }
        if variadic { parts.append("...") }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }

    /// What `:help name` prints: the signature, the doc, and each parameter with its type and
    /// default (`  trials: integer 1...100000 = 20`).
    public var help: String {
        var text = "\(signature)\n  \(doc)\n"
        if !parameters.isEmpty {
            text += "parameters:\n" + parameters.map { "  \($0.help)\n" }.joined()
        }
        return text
    }

    /// The message for an argument its parameter does not admit, the one wording `check` and
    /// the run share: "train: 'epochs' must be a whole number from 1 to 10000, not -1".
    public func mismatch(_ parameter: Parameter, shown: String, hint: String?, at span: SourceSpan, checking: Bool = false) -> Diagnostic {
        Diagnostic("\(name)\(checking ? "()" : ""): '\(parameter.name)' must be \(parameter.type.expectation), not \(shown)",
                   at: span, hint: hint)
    }
}

/// What a builtin needs from the interpreter while it runs.
public protocol CallContext: AnyObject {
    /// Writes program output (print, progress) where the user will see it.
    func write(_ text: String)
    /// Writes output that has a terminal form and a plain one: `live` (redraws in place,
    /// timings) goes to a terminal, `plain` (stable lines, no timings) to files and pipes, and
    /// always to session records, so a saved notebook replays to the same text. Either may be "".
    func write(live: String, plain: String)
    /// Calls a .nas function value, for higher-order builtins such as `map`.
    func call(_ function: Function, _ arguments: [Value], at span: SourceSpan) throws -> Value
    /// True when output goes to a terminal, so progress may redraw one line in place; otherwise
    /// long builtins print one stable line per step of note (files and goldens stay clean).
    var liveProgress: Bool { get }
    /// Throws `Interruption` at `span` if the user pressed Ctrl-C; long builtins poll it.
    func checkInterrupt(at span: SourceSpan) throws
    /// The last unnamed `objectives { ... }` block the program declared at its top level, so
    /// `search` can default to it without the user passing it; nil before one.
    var declaredObjectives: ObjectiveSet? { get }
    /// The last unnamed `budget { ... }` block declared at the top level, with its later edits
    /// (`budget.ram = 128 KB`); nil before one.
    var declaredBudget: Budget? { get }
    /// Where searches store their trials and whether they resume.
    var studySettings: StudySettings { get }
    /// The trust boundary: builtins check every path a program names (datasets, exports,
    /// plots) against it before opening it.
    var fileAccess: FileAccess { get }
    /// Builtins report each seed they draw (`train(seed: 3)`), so a session records what a
    /// cell's randomness came from.
    func seedDrawn(_ seed: UInt64, by builtin: String)
}

/// The arguments of one builtin call, bound to parameter names, with typed accessors whose
/// errors point at the offending argument.
public struct BuiltinCall {
    public let name: String
    public let span: SourceSpan
    public let rest: [(value: Value, span: SourceSpan)]
    public unowned let context: any CallContext
    let values: [String: Value]
    let spans: [String: SourceSpan]

    init(name: String, span: SourceSpan, values: [String: Value], spans: [String: SourceSpan],
         rest: [(value: Value, span: SourceSpan)], context: any CallContext) {
        self.name = name
        self.span = span
        self.values = values
        self.spans = spans
        self.rest = rest
        self.context = context
    }

    public subscript(_ parameter: String) -> Value { values[parameter] ?? .none }

    public func span(of parameter: String) -> SourceSpan { spans[parameter] ?? span }

    public func error(_ message: String, at parameter: String? = nil, hint: String? = nil) -> Diagnostic {
        Diagnostic(message, at: parameter.map(span(of:)) ?? span, hint: hint)
    }

    public func quantity(_ parameter: String) throws -> Quantity {
        guard case .number(let q) = self[parameter] else {
            throw error("\(name): '\(parameter)' must be a number, not \(self[parameter].typeName)", at: parameter)
        }
        return q
    }

    /// A plain number (no unit).
    public func number(_ parameter: String) throws -> Double {
        let q = try quantity(parameter)
        guard q.dimension == .none else {
            throw error("\(name): '\(parameter)' must be a plain number, not \(q.dimension.noun)", at: parameter)
        }
        return q.value
    }

    public func quantity(_ parameter: String, of dimension: Dimension) throws -> Quantity {
        let q = try quantity(parameter)
        guard q.dimension == dimension else {
            throw error("\(name): '\(parameter)' must be \(dimension.noun), not \(q.dimension.noun)", at: parameter,
                        hint: dimension == .memory ? "write it with a unit, e.g. 256 KB" :
                              dimension == .frequency ? "write it with a unit, e.g. 80 MHz" : nil)
        }
        return q
    }

    public func integer(_ parameter: String) throws -> Int {
        let v = try number(parameter)
        guard let q = Quantity(value: v).exactInt else {
            throw error("\(name): '\(parameter)' must be a whole number, not \(NumberFormat.plain(v))", at: parameter)
        }
        return q
    }

    public func string(_ parameter: String) throws -> String {
        guard case .string(let s) = self[parameter] else {
            throw error("\(name): '\(parameter)' must be a string, not \(self[parameter].typeName)", at: parameter)
        }
        return s
    }

    /// A `.choice(of: E.self)` argument as its enum case.
    public func choice<E: RawRepresentable>(_ parameter: String, as type: E.Type) throws -> E where E.RawValue == String {
        let name = try string(parameter)
        guard let value = E(rawValue: name) else {
            throw error("\(self.name): '\(parameter)' cannot be \"\(name)\"", at: parameter)  // its declared type admits only the cases
        }
        return value
    }

    public func list(_ parameter: String) throws -> [Value] {
        switch self[parameter] {
        case .list(let items): return items
        case .range(let lo, let hi): return try Value.materialize(lo, hi, at: span(of: parameter))
        default:
            throw error("\(name): '\(parameter)' must be a list, not \(self[parameter].typeName)", at: parameter)
        }
    }

    public func function(_ parameter: String) throws -> Function {
        guard case .function(let f) = self[parameter] else {
            throw error("\(name): '\(parameter)' must be a function, not \(self[parameter].typeName)", at: parameter)
        }
        return f
    }
}

extension Value {
    /// Lists are materialized from ranges only up to a size that cannot exhaust memory.
    public static let maxMaterializedCount = 1_000_000

    static func materialize(_ lo: Int, _ hi: Int, at span: SourceSpan) throws -> [Value] {
        if hi < lo { return [] }
        guard hi - lo < maxMaterializedCount else {
            throw Diagnostic("range \(lo)..\(hi) is too large to turn into a list", at: span)
        }
        return (lo...hi).map { .number(Double($0)) }
    }
}
