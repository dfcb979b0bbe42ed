import NasCore
import NasData
import NasLang
import NasNN
import NasRender
import NasSearch

/// A model spec (NasSearch) as the language shows it: `m.width`, `m.params`, `show m` prints
/// its layer table for the family's usual input.
extension ModelSpec: NativeValue {
    public var typeName: String { "model" }
    public var memberNames: [String] { ["family"] + settings.map(\.0) + ["params", "macs"] }

    public func member(_ name: String) -> Value? {
        if name == "family" { return .string(family.rawValue) }
        if let setting = settings.first(where: { $0.0 == name }) { return Value(setting.1) }
        let input = family.defaultInput
        guard let model = try? build(input: input.shape, classes: input.classes, seed: 1) else { return nil }
        switch name {
        case "params": return .number(Double(model.parameterCount))
        case "macs": return .number(Double(model.macs))
        default: return nil
        }
    }

    public func render() -> String {
        let input = family.defaultInput
        do {
            let model = try build(input: input.shape, classes: input.classes, seed: 1)
            return LayerTable.render(model, title: defaultInputTitle)
        } catch {
            return summary + "\n(cannot build for \(describe(shape: input.shape)): \(error))\n"
        }
    }
}

/// A trained network: its weights, the spec it came from and the normalization it expects.
struct TrainedModel: NativeValue {
    let spec: ModelSpec
    let model: Model
    let normalization: Normalization?
    /// Weight bit-widths per weighted layer once compressed; nil: 8-bit.
    var bits: [BitWidth]? = nil
    /// The first training samples (normalized), on which `export` calibrates int8 activations
    /// when no data is passed: the samples `quantize` calibrates on with its defaults.
    var calibration: [[Float]] = []

    /// How many training samples a trained model keeps for calibration (`quantize`'s default).
    static let calibrationCount = 100

    var typeName: String { "trained model" }
    var memberNames: [String] { ["spec", "params", "macs", "input", "classes"] }

    func member(_ name: String) -> Value? {
        switch name {
        case "spec": return .native(spec)
        case "params": return .number(Double(model.parameterCount))
        case "macs": return .number(Double(model.macs))
        case "input": return .list(model.inputShape.map { .number(Double($0)) })
        case "classes": return .number(Double(model.classes))
        default: return nil
        }
    }

    var summary: String { "trained \(spec.summary), \(NumberFormat.count(model.parameterCount)) params" }

    /// `data` split as `train` splits it (stratified, same fraction and seed) and normalized with
    /// the statistics the model was trained with; no validation part when `fraction` is 0.
    func split(_ data: Dataset, fraction: Double, seed: UInt64) -> (train: Dataset, validation: Dataset?) {
        var train = data, validation: Dataset?
        if fraction > 0 {
            let parts = data.split(validationFraction: fraction, seed: seed)
            train = parts.train
            validation = parts.validation
        }
        if let normalization {
            train = normalization.apply(to: train)
            validation = validation.map { normalization.apply(to: $0) }
        }
        return (train, validation)
    }

    func render() -> String {
        LayerTable.render(model, title: "trained \(spec.summary) on \(describe(shape: model.inputShape)) input, \(model.classes) classes")
    }
}

/// The per-layer table `summary` and `show` print.
enum LayerTable {
    static func render(_ model: Model, title: String) -> String {
        let rows = model.summary().map { row in
            [String(repeating: "  ", count: row.depth) + row.kind, describe(shape: row.outputShape),
             String(row.parameters), String(row.macs)]
        }
        let table = TextTable(title: title, columns: [.init("layer"), .init("output"), .init("params", .right), .init("MACs", .right)],
                              rows: rows).render()
        return table + "\n\(model.parameterCount) parameters, \(model.macs) MACs per inference\n"
    }
}
