import NasCore
import NasLang

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
    static let board = ParameterType.kind("board", hint: "use \"boards\" and pass boards.nucleo_f746zg, or make one with board(...)")
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
