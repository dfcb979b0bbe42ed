import NasCore

/// A builtin parameter declared together with the Swift type its body reads, so the
/// declaration and the read are one thing:
///
/// ```swift
/// static let trials = TypedParameter<Int>("trials", .integer(atLeast: 1, atMost: 100_000), default: 20)
/// r.register(Builtin("search", [trials.declared, ...], doc: "...") { call in
///     let trials = try call[Self.trials]    // an Int, in 1...100000
/// })
/// ```
///
/// The type (`ParameterType`) is still the one check: `check` and the interpreter apply it
/// before the body runs, so the read only converts (a whole number to `Int`, a string to a
/// choice's case). A parameter whose default is `none` reads as an optional.
///
/// `@unchecked Sendable`, so keys can be `static let`s: a key is made once from literals
/// and never changes (its fields are constants), and its read is a `@Sendable` function of
/// the call it is given.
public struct TypedParameter<Wrapped>: @unchecked Sendable {
    /// What the registry, `check` and `:help` see.
    public let declared: Builtin.Parameter
    private let read: @Sendable (BuiltinCall, String) throws -> Wrapped

    public var name: String { declared.name }

    /// A parameter read by `read` (the call and the parameter's name); for kinds the engine
    /// defines (`dataset`, `model`), whose reading lives with the kind.
    public init(_ name: String, _ type: ParameterType, default defaultValue: Value? = nil,
                read: @escaping @Sendable (BuiltinCall, String) throws -> Wrapped) {
        declared = Builtin.Parameter(name, type, default: defaultValue)
        self.read = read
    }

    /// The argument of `call` for this parameter.
    public func value(in call: BuiltinCall) throws -> Wrapped { try read(call, name) }
}

extension TypedParameter where Wrapped == Int {
    /// A whole number (`.integer(...)`).
    public init(_ name: String, _ type: ParameterType, default defaultValue: Int? = nil) {
        self.init(name, type, default: defaultValue.map { .number(Double($0)) }) { try $0.integer($1) }
    }
}

extension TypedParameter where Wrapped == Int? {
    /// A whole number or `none` ("not given", the default).
    public init(_ name: String, _ type: ParameterType) {
        self.init(name, type, default: Value.none) { call, name in
            if case .none = call[name] { return nil }
            return try call.integer(name)
        }
    }
}

extension TypedParameter where Wrapped == Double {
    /// A plain number (`.number(...)`).
    public init(_ name: String, _ type: ParameterType, default defaultValue: Double? = nil) {
        self.init(name, type, default: defaultValue.map { .number($0) }) { try $0.number($1) }
    }
}

extension TypedParameter where Wrapped == Double? {
    /// A plain number or `none` ("not given", the default).
    public init(_ name: String, _ type: ParameterType) {
        self.init(name, type, default: Value.none) { call, name in
            if case .none = call[name] { return nil }
            return try call.number(name)
        }
    }
}

extension TypedParameter where Wrapped == Bool {
    /// true or false.
    public init(_ name: String, default defaultValue: Bool? = nil) {
        self.init(name, .bool, default: defaultValue.map { .bool($0) }) { call, name in
            guard case .bool(let b) = call[name] else {
                throw call.error("\(call.name): '\(name)' must be true or false, not \(call[name].typeName)", at: name)
            }
            return b
        }
    }
}

extension TypedParameter where Wrapped == String {
    /// A string (`.string`, or `.choice(names)` read as the name).
    public init(_ name: String, _ type: ParameterType = .string, default defaultValue: String? = nil) {
        self.init(name, type, default: defaultValue.map { .string($0) }) { try $0.string($1) }
    }
}

extension TypedParameter where Wrapped == String? {
    /// A string or `none` ("not given", the default).
    public init(_ name: String, _ type: ParameterType = .string) {
        self.init(name, type, default: Value.none) { call, name in
            if case .none = call[name] { return nil }
            return try call.string(name)
        }
    }
}

extension TypedParameter where Wrapped == Quantity {
    /// A number with its unit (`.quantity(...)`); one declared in a dimension
    /// (`.quantity(.memory, ...)`) is read in it, as `call.quantity(_:of:)` reads it.
    public init(_ name: String, _ type: ParameterType, default defaultValue: Quantity? = nil) {
        self.init(name, type, default: defaultValue.map { .number($0) }) { call, name in
            if case .quantity(let dimension?, _) = type { return try call.quantity(name, of: dimension) }
            return try call.quantity(name)
        }
    }
}

extension TypedParameter where Wrapped == [Value] {
    /// A list (`.list(...)`); a range is materialized into its numbers, as `call.list` does.
    public init(_ name: String, _ type: ParameterType, default defaultValue: [Value]? = nil) {
        self.init(name, type, default: defaultValue.map { .list($0) }) { try $0.list($1) }
    }
}

extension TypedParameter where Wrapped == Function {
    /// A function the body calls through `call.context.call` (`map(xs, fn(x) = x * 2)`).
    public init(function name: String) {
        self.init(name, .function) { try $0.function($1) }
    }
}

extension TypedParameter where Wrapped == Value {
    /// The argument as it is, for parameters whose type admits several kinds of value
    /// (`.either([...])`) that the body tells apart.
    public init(value name: String, _ type: ParameterType, default defaultValue: Value? = nil) {
        self.init(name, type, default: defaultValue) { call, name in call[name] }
    }
}

extension TypedParameter where Wrapped: RawRepresentable & CaseIterable, Wrapped.RawValue == String {
    /// One of a `String` enum's cases (`.choice(of: Wrapped.self)`), read as the case.
    public init(_ name: String, default defaultValue: Wrapped? = nil) {
        self.init(name, .choice(of: Wrapped.self), default: defaultValue.map { .string($0.rawValue) }) { call, name in
            try call.choice(name, as: Wrapped.self)
        }
    }
}

extension TypedParameter {
    /// One of a `String` enum's cases or `none` ("not given", the default), read as the case
    /// or nil: `TypedParameter<LogAxes?>("log")`.
    public init<Case>(_ name: String) where Wrapped == Case?, Case: RawRepresentable & CaseIterable, Case.RawValue == String {
        self.init(name, .choice(of: Case.self), default: Value.none) { call, name in
            if case .none = call[name] { return nil }
            return try call.choice(name, as: Case.self)
        }
    }
}

/// Anything that declares a builtin parameter: a `TypedParameter`, or a plain
/// `Builtin.Parameter` whose body reads the `Value` itself.
public protocol ParameterDeclaration {
    var declared: Builtin.Parameter { get }
}

extension TypedParameter: ParameterDeclaration {}

extension Builtin.Parameter: ParameterDeclaration {
    public var declared: Builtin.Parameter { self }
}

extension Builtin {
    /// A builtin whose parameters are typed keys (or plain declarations), in call order:
    /// `Builtin("train", declaring: [model, data, epochs], doc: ...) { call in try call[epochs] }`.
    public init(_ name: String, declaring parameters: [any ParameterDeclaration], variadic: Bool = false, doc: String,
                body: @escaping (BuiltinCall) throws -> Value) {
        self.init(name, parameters.map(\.declared), variadic: variadic, doc: doc, body: body)
    }
}

extension BuiltinCall {
    /// The argument for a typed parameter: `try call[Self.trials]`.
    public subscript<Wrapped>(_ parameter: TypedParameter<Wrapped>) -> Wrapped {
        get throws { try parameter.value(in: self) }
    }
}
