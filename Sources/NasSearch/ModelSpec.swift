import NasCore
import NasData
import NasLang
import NasNN
import NasRender

/// An architecture as the language holds it: a family and its hyperparameters, built into
/// weights only when the input is known (at `train`, or for a `summary`). So
/// `cnn(width: 16)` is a plain value a search space can vary.
struct ModelSpec: NativeValue {
    enum Family: String, CaseIterable {
        case cnn, cnn1d, resnet, mobilenet, dscnn, mlp

        /// What `summary` and `show` assume without data: each family's usual task.
        var defaultInput: (shape: [Int], classes: Int) {
            switch self {
            case .cnn, .resnet, .mobilenet: return ([32, 32, 3], 10)
            case .cnn1d: return ([128, 3], 6)
            case .dscnn: return ([49, 10, 1], 12)
            case .mlp: return ([64], 4)
            }
        }
    }

    let family: Family
    /// Hyperparameters in the order the builder takes them, as the user sees them.
    let settings: [(String, Value)]

    var typeName: String { "model" }
    var memberNames: [String] { ["family"] + settings.map(\.0) + ["params", "macs"] }

    func member(_ name: String) -> Value? {
        if name == "family" { return .string(family.rawValue) }
        if let setting = settings.first(where: { $0.0 == name }) { return setting.1 }
        let input = family.defaultInput
        guard let model = try? build(input: input.shape, classes: input.classes, seed: 1) else { return nil }
        switch name {
        case "params": return .number(Double(model.parameterCount))
        case "macs": return .number(Double(model.macs))
        default: return nil
        }
    }

    var summary: String {
        family.rawValue + "(" + settings.map { "\($0.0): \($0.1.inline)" }.joined(separator: ", ") + ")"
    }

    /// The layer table's title for the family's default input.
    var defaultInputTitle: String {
        let input = family.defaultInput
        return "\(summary) on \(describe(shape: input.shape)) input, \(input.classes) classes"
    }

    func render() -> String {
        let input = family.defaultInput
        do {
            let model = try build(input: input.shape, classes: input.classes, seed: 1)
            return LayerTable.render(model, title: defaultInputTitle)
        } catch {
            return summary + "\n(cannot build for \(describe(shape: input.shape)): \(error))\n"
        }
    }

    /// A whole-number setting; values reach a spec only through `KnobDomain` checks, and the
    /// conversion stays total anyway (no trap on a huge or infinite number).
    private func int(_ name: String) -> Int {
        guard let value = settings.first(where: { $0.0 == name })?.1 else { return 0 }
        return KnobDomain.int(value, default: 0)
    }

    private func double(_ name: String) -> Double {
        guard case .number(let q)? = settings.first(where: { $0.0 == name })?.1 else { return 0 }
        return q.value
    }

    private func flag(_ name: String) -> Bool {
        if case .bool(let b)? = settings.first(where: { $0.0 == name })?.1 { return b }
        return false
    }

    /// An upper estimate of the weights, checked before building so a huge request is an error
    /// rather than an allocation that takes the machine down.
    func estimatedParameters(inputChannels: Int, inputFeatures: Int = 1) -> Double {
        switch family {
        case .cnn, .cnn1d:
            var total = 0.0, channels = Double(inputChannels)
            for stage in 0..<int("depth") {
                let out = Double(int("width") << min(stage, 6))
                total += Double(int("kernel") * int("kernel")) * channels * out
                channels = out
            }
            return total
        case .resnet:
            let top = Double(int("width") << min(int("stacks") - 1, 6))
            return 18 * top * top * Double(int("blocks") * int("stacks"))
        case .mlp:
            let units = Double(int("units")), inputs = Double(max(1, inputFeatures))
            return inputs * units + Double(max(0, int("layers") - 1)) * units * units
        case .dscnn:
            // A 10x4 stem, then per block a 3x3 depthwise and a 1x1 pointwise convolution.
            let f = Double(int("filters"))
            return 40 * Double(inputChannels) * f + Double(int("blocks")) * (9 * f + f * f)
        case .mobilenet:
            return 0  // bounded by its argument limits (width multiplier <= 4, blocks <= 7)
        }
    }

    static let parameterLimit = 50_000_000.0

    /// Weights for this input shape and class count, from the seed.
    func build(input: [Int], classes: Int, seed: UInt64) throws -> Model {
        let estimate = estimatedParameters(inputChannels: input.last ?? 1, inputFeatures: input.reduce(1, *))
        guard estimate <= Self.parameterLimit else {
            throw ShapeError("\(summary) would have about \(NumberFormat.count(Int(min(estimate, 1e15)))) parameters; nasbook builds models up to \(NumberFormat.count(Int(Self.parameterLimit)))")
        }
        var rng = SeededGenerator(seed: seed)
        switch family {
        case .cnn, .cnn1d:
            return try Architectures.plainCNN(input: input, classes: classes, width: int("width"), depth: int("depth"),
                                              kernel: int("kernel"), batchNorm: flag("batchnorm"),
                                              dropout: Float(double("dropout")), seed: seed, rng: &rng)
        case .resnet:
            return try Architectures.resnet(input: input, classes: classes, width: int("width"), stacks: int("stacks"),
                                            blocks: int("blocks"), rng: &rng)
        case .mobilenet:
            return try Architectures.mobileNetV3(input: input, classes: classes, width: double("width"),
                                                 blocks: int("blocks"), rng: &rng)
        case .mlp:
            return try Architectures.mlp(input: input, classes: classes, units: int("units"), layers: int("layers"),
                                         batchNorm: flag("batchnorm"), dropout: Float(double("dropout")), seed: seed, rng: &rng)
        case .dscnn:
            return try Architectures.dsCNN(input: input, classes: classes, filters: int("filters"), blocks: int("blocks"),
                                           rng: &rng)
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
