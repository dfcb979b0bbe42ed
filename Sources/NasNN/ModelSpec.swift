import NasCore

/// An architecture: a family and its hyperparameters, built into weights only when the input
/// is known (at `train`, or for a `summary`). So `cnn(width: 16)` is a plain value a search
/// space can vary and a trial plan holds. Language-free: the language shows a spec as a value
/// (EngineBuiltins).
public struct ModelSpec: Sendable {
    public enum Family: String, CaseIterable, Sendable {
        case cnn, cnn1d, resnet, mobilenet, dscnn, mlp

        /// What `summary` and `show` assume without data: each family's usual task.
        public var defaultInput: (shape: [Int], classes: Int) {
            switch self {
            case .cnn, .resnet, .mobilenet: return ([32, 32, 3], 10)
            case .cnn1d: return ([128, 3], 6)
            case .dscnn: return ([49, 10, 1], 12)
            case .mlp: return ([64], 4)
            }
        }

        /// The family's settings with their defaults, in the order the builder takes them
        /// (`cnn()` is `cnn(width: 16, depth: 3, kernel: 3, batchnorm: true, dropout: 0)`).
        public var defaults: [(String, ParameterValue)] {
            switch self {
            case .cnn: return [("width", .number(16)), ("depth", .number(3)), ("kernel", .number(3)), ("batchnorm", .bool(true)), ("dropout", .number(0))]
            case .cnn1d: return [("width", .number(16)), ("depth", .number(3)), ("kernel", .number(5)), ("batchnorm", .bool(true)), ("dropout", .number(0))]
            case .resnet: return [("width", .number(16)), ("stacks", .number(3)), ("blocks", .number(1))]
            case .mobilenet: return [("width", .number(1)), ("blocks", .number(5))]
            case .dscnn: return [("filters", .number(64)), ("blocks", .number(4))]
            case .mlp: return [("units", .number(128)), ("layers", .number(3)), ("batchnorm", .bool(true)), ("dropout", .number(0))]
            }
        }
    }

    public let family: Family
    /// Hyperparameters in the order the builder takes them, as the user sees them.
    public let settings: [(String, ParameterValue)]

    public init(family: Family, settings: [(String, ParameterValue)]) {
        self.family = family
        self.settings = settings
    }

    /// The family with its default settings.
    public init(family: Family) { self.init(family: family, settings: family.defaults) }

    /// This spec with the settings of the same names replaced by `overrides` (names the family
    /// does not take are ignored), the others kept in their order.
    public func with(_ overrides: [(String, ParameterValue)]) -> ModelSpec {
        ModelSpec(family: family, settings: settings.map { name, value in (name, overrides.first { $0.0 == name }?.1 ?? value) })
    }

    /// `cnn(width: 16, depth: 3, ...)`, as scripts write it.
    public var summary: String {
        family.rawValue + "(" + settings.map { "\($0.0): \($0.1.inline)" }.joined(separator: ", ") + ")"
    }

    /// The layer table's title for the family's default input.
    public var defaultInputTitle: String {
        let input = family.defaultInput
        return "\(summary) on \(describe(shape: input.shape)) input, \(input.classes) classes"
    }

    /// A whole-number setting; values reach a spec only through their domain's checks
    /// (`KnobDomain`), and the conversion stays total anyway (no trap on a huge or infinite number).
    private func int(_ name: String) -> Int {
        settings.first(where: { $0.0 == name })?.1.int(default: 0) ?? 0
    }

    private func double(_ name: String) -> Double {
        guard case .number(let v)? = settings.first(where: { $0.0 == name })?.1 else { return 0 }
        return v
    }

    private func flag(_ name: String) -> Bool {
        if case .bool(let b)? = settings.first(where: { $0.0 == name })?.1 { return b }
        return false
    }

    /// An upper estimate of the weights, checked before building so a huge request is an error
    /// rather than an allocation that takes the machine down.
    public func estimatedParameters(inputChannels: Int, inputFeatures: Int = 1) -> Double {
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

    public static let parameterLimit = 50_000_000.0

    /// Weights for this input shape and class count, from the seed.
    public func build(input: [Int], classes: Int, seed: UInt64) throws -> Model {
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
