import NasCore
import NasData
import NasLang
import NasNN
import NasSearch

/// The engine's values as builtin parameter types: each kind is matched by the `typeName` its
/// values give, and carries the hint that says how to make one. Declared once here, so `train`,
/// `cost` and `search` word "must be a dataset" alike.
extension ParameterType {
    static let dataset = ParameterType.kind(
        "dataset", hint: "make one with dataset.shapes(), dataset.motion() or a loader such as dataset.fashion_mnist()")
    /// A model family's spec (`cnn(width: 16)`), untrained.
    static let modelSpec = ParameterType.kind("model", hint: "make one with cnn(), resnet(), mobilenet(), dscnn(), cnn1d() or mlp()")
    /// What `train(...)` returns in `r.model`.
    static let trainedModel = ParameterType.kind("trained model", hint: "train first: r = train(model, data), then pass r.model")
    /// A model trained or not: `cost`, `fits` and `summary` take either.
    static let anyModel = ParameterType.either([.modelSpec, .trainedModel])
    static let board = ParameterType.record(.board, hint: "use \"boards\" and pass boards.nucleo_f746zg, or make one with board(...)")
    static let budget = ParameterType.kind("budget", hint: "declare one with `budget { ram <= 128 KB }`")
    static let objectives = ParameterType.kind("objectives", hint: "declare them with `objectives { maximize accuracy; minimize ram }`")
    /// `bits:`: one weight bit-width for every weighted layer, or a list, one per layer.
    static let bitWidths = ParameterType.perLayer(.integer(BitWidth.range, odd: false))
    /// A path to read or write, checked against the trust boundary when the body opens it.
    static let path = ParameterType.string
    /// A fraction held out for validation, or a dataset to validate on.
    static let validation = ParameterType.either([.fraction, .dataset])
    /// Records (a list of them, e.g. `s.pareto`) or a study, as tables and plots take them.
    static let results = ParameterType.either([.list(.any), .kind("study")])
}

/// Typed parameters of the engine's kinds: declared with their type, read as the engine's value.
extension TypedParameter where Wrapped == Dataset {
    /// A dataset; with a default of `none`, a call may leave it out where the body does not
    /// read it (`search` of a test problem), and reading it then says a dataset is needed.
    init(dataset name: String, default defaultValue: Value? = nil) {
        self.init(name, .dataset, default: defaultValue) { try $0.dataset($1) }
    }
}

extension TypedParameter where Wrapped == TrainedModel {
    init(trainedModel name: String) {
        self.init(name, .trainedModel) { call, name in
            guard case .native(let trained as TrainedModel) = call[name] else {
                throw call.error("\(call.name): '\(name)' must be a trained model", at: name)  // its type admits no other
            }
            return trained
        }
    }
}

extension TypedParameter where Wrapped == ModelSpec {
    init(modelSpec name: String) { self.init(name, .modelSpec) { try $0.modelSpec($1) } }
}

extension TypedParameter where Wrapped == ModelSpec? {
    /// A model spec or `none` ("not given", the default).
    init(optionalModelSpec name: String) {
        self.init(name, .modelSpec, default: Value.none) { call, name in
            if case .none = call[name] { return nil }
            return try call.modelSpec(name)
        }
    }
}

extension TypedParameter where Wrapped == UInt64 {
    /// `seed:`, reported to the context so a session records it (`BuiltinCall.seed`).
    static func seed(default defaultValue: Int = 1) -> TypedParameter<UInt64> {
        TypedParameter("seed", .seed, default: .number(Double(defaultValue))) { try $0.seed($1) }
    }
}

extension TypedParameter where Wrapped == Dataset? {
    /// A dataset or `none` ("not given", the default).
    init(optionalDataset name: String) {
        self.init(name, .dataset, default: Value.none) { call, name in
            if case .none = call[name] { return nil }
            return try call.dataset(name)
        }
    }
}

extension TypedParameter where Wrapped == Budget? {
    /// A budget block or `none` ("not given", the default).
    init(optionalBudget name: String) {
        self.init(name, .budget, default: Value.none) { call, name in
            if case .budget(let budget) = call[name] { return budget }
            return nil
        }
    }
}

extension TypedParameter where Wrapped == ObjectiveSet? {
    /// An objectives block or `none` ("not given", the default).
    init(optionalObjectives name: String) {
        self.init(name, .objectives, default: Value.none) { call, name in
            if case .objectives(let objectives) = call[name] { return objectives }
            return nil
        }
    }
}

extension TypedParameter where Wrapped == PerLayer<BitWidth>? {
    /// Bit-widths, one for every weighted layer or a list, one per layer (`.bitWidths`), or
    /// `none` ("not given", the default: the model's own); each checked by `BitWidth`.
    init(optionalBitWidths name: String) {
        self.init(name, .bitWidths, default: Value.none) { call, name in
            if case .none = call[name] { return nil }
            return try call.bitWidths(name)
        }
    }
}

extension TypedParameter where Wrapped == String {
    /// A path to read, relative to the calling file and checked against the trust boundary
    /// (`BuiltinCall.path`).
    init(readPath name: String) { self.init(name, .path) { try $0.path($1) } }
}

extension TypedParameter where Wrapped == String? {
    /// A path to read, or `none` ("not given", the default).
    init(optionalReadPath name: String) {
        self.init(name, .path, default: Value.none) { call, name in
            if case .none = call[name] { return nil }
            return try call.path(name)
        }
    }
}

extension TypedParameter where Wrapped == NetworkStudy {
    /// A network study from `search(space, ...)`, for `resume`, `ask` and `tell`.
    init(networkStudy name: String) {
        self.init(name, .kind("study")) { call, name in
            guard case .native(let s as NetworkStudyValue) = call[name] else {
                throw call.error("\(call.name): '\(name)' must be a study from search(space, ...), not \(call[name].typeName)", at: name)
            }
            return s.study
        }
    }
}

extension TypedParameter where Wrapped == Int {
    /// A trial of a study named by its record (`ask(s)`, `s.trials`) or its number, read as the
    /// number. The type admits a whole number from 1 or a trial record; a record's `trial` field
    /// may have been changed, so it converts without trapping.
    init(trialNumber name: String, _ type: ParameterType) {
        self.init(name, type) { call, name in
            let given: Double?
            switch call[name] {
            case .number(let q): given = q.value
            case .record(let r): if case .number(let q)? = r["trial"] { given = q.value } else { given = nil }
            default: given = nil
            }
            guard let number = given.flatMap({ Quantity(value: $0).exactInt }), number >= 1 else {
                throw call.error("\(call.name): '\(name)' must be the record ask(s) returned, or its number", at: name)
            }
            return number
        }
    }
}

extension TypedParameter where Wrapped == Quantity? {
    /// A finite number with its unit, or `none` ("not given", the default).
    init(optionalQuantity name: String, _ type: ParameterType) {
        self.init(name, type, default: Value.none) { call, name in
            let value = call[name]
            if case .none = value { return nil }
            guard case .number(let q) = value, q.value.isFinite else {
                throw call.error("\(call.name): \(name) must be a number, not \(value.typeName)", at: name)
            }
            return q
        }
    }
}

extension TypedParameter where Wrapped == [String] {
    /// A path to read or a list of them, each relative to the calling file and checked
    /// against the trust boundary.
    init(readPaths name: String) {
        self.init(name, .either([.path, .list(.path)])) { call, name in
            if case .string = call[name] { return [try call.path(name)] }
            return try call.list(name).map { value in try call.checked(value.printed, .read, at: name) }  // strings, by its type
        }
    }
}
