import NasCore
import NasNN
import NasStudy

/// The values one setting accepts: a model family's (`width`, `depth`, ...), a training knob
/// (`lr`, `epochs`, `batch`, `optimizer`) or a compression knob (`channels`, `prune`, `bits`,
/// `finetune`, `finetune_lr`). Defined once here, so `cnn(dropout: 2)`, `train(epochs: -1)` and a
/// space declaring `dropout in [0, 2]` or `epochs = -1` are refused alike, at the value's span,
/// before anything trains; and every number that becomes an `Int` is in range first (a space
/// value of `1e19` or `inf` must be a diagnostic, not a trapping conversion).
///
/// Language-free: the language turns a domain into the builtin parameter type of the same
/// name (`KnobDomain.type`, EngineBuiltins), so `train(epochs:)` and a space's `epochs` are
/// checked, and their errors worded, alike.
public struct KnobDomain: Sendable, Equatable {
    /// What the knob admits.
    public enum Values: Sendable, Equatable {
        /// Whole numbers in the range (odd ones only when `odd`).
        case whole(ClosedRange<Int>, odd: Bool)
        /// Plain numbers within the limits.
        case number(NumberLimits)
        /// true or false.
        case flag
        /// One of the names.
        case choice([String])
    }

    public let values: Values

    public init(_ values: Values) { self.values = values }

    public static func whole(_ range: ClosedRange<Int>, odd: Bool = false) -> KnobDomain { KnobDomain(.whole(range, odd: odd)) }
    /// [0, upper), or [0, upper] when `closed`.
    public static func fraction(upTo upper: Double, closed: Bool = false) -> KnobDomain {
        KnobDomain(.number(.from(0, to: upper, upperIncluded: closed)))
    }
    /// Above zero, at most `upper` (finite when `upper` is the largest finite number).
    public static func positive(upTo upper: Double) -> KnobDomain {
        KnobDomain(.number(upper == .greatestFiniteMagnitude ? .positive : .positive(atMost: upper)))
    }
    public static let flag = KnobDomain(.flag)
    public static func choice(_ names: [String]) -> KnobDomain { KnobDomain(.choice(names)) }

    /// Whether the domain holds whole numbers (stored as exact integers in a spec).
    public var isWhole: Bool { if case .whole = values { return true }; return false }

    /// `v` rounded to an Int, or `fallback` when it has none (`ParameterValue.int`'s rule).
    public static func int(_ v: Double, default fallback: Int) -> Int {
        ParameterValue.number(v).int(default: fallback)
    }

    // MARK: - The knobs

    /// `train(optimizer:)` and a space's `optimizer`.
    public static let optimizers = TrainingOptions.OptimizerChoice.names
    /// `train(schedule:)`: the learning-rate schedule after the warm-up.
    public enum Schedule: String, CaseIterable, Sendable {
        case cosine, step, constant
    }

    /// Training knobs a space may vary (they are `train`'s arguments of the same names).
    public static let training: [(String, KnobDomain)] = [
        ("lr", .positive(upTo: .greatestFiniteMagnitude)),
        ("epochs", .whole(1...10_000)),
        ("batch", .whole(1...4096)),
        ("optimizer", .choice(optimizers)),
        ("warmup", .fraction(upTo: 1)),
        ("smoothing", .fraction(upTo: 1)),
        ("weight_decay", .fraction(upTo: 1, closed: true)),
    ]

    /// Compression knobs a space may vary (`compress`'s arguments; `finetune` is its epochs).
    public static let compression: [(String, KnobDomain)] = [
        ("channels", .fraction(upTo: 0.95, closed: true)),
        ("gradual", .flag),
        ("prune", .fraction(upTo: 1)),
        ("bits", .whole(BitWidth.range)),
        ("finetune", .whole(0...10_000)),
        ("finetune_lr", .positive(upTo: .greatestFiniteMagnitude)),
    ]

    /// The largest width multiplier `mobilenet` takes. The multiplier scales every layer's
    /// channels (weights grow with its square); past 4x MobileNetV3-Small is far beyond any
    /// microcontroller, and `mobilenet(width: 100)` would allocate gigabytes of weights.
    public static let maxMobileNetWidth = 4.0

    /// A model family's setting.
    public static func family(_ family: ModelSpec.Family, _ name: String) -> KnobDomain? {
        switch (family, name) {
        case (_, "batchnorm"): return .flag
        case (_, "dropout"): return .fraction(upTo: 1)
        case (.mobilenet, "width"): return .positive(upTo: maxMobileNetWidth)
        case (.mobilenet, "blocks"): return .whole(1...Architectures.mobileNetV3Blocks.count)
        case (_, "depth"), (_, "stacks"): return .whole(1...8)
        case (_, "kernel"): return .whole(1...1024, odd: true)
        case (_, "layers"): return .whole(1...16)
        case (_, "width"), (_, "blocks"), (_, "filters"), (_, "units"): return .whole(1...1024)
        default: return nil
        }
    }

    /// A training or compression knob's domain by name (`"epochs"`); nil for any other name.
    public static func engineKnob(_ name: String) -> KnobDomain? {
        (training + compression).first { $0.0 == name }?.1
    }

    /// A training or compression knob's domain by name (`"epochs"`).
    public static func named(_ name: String) -> KnobDomain {
        guard let d = engineKnob(name) else {
            preconditionFailure("no knob named \(name)")  // a programming error: names are literals in the engine
        }
        return d
    }

    /// The domain of a knob named in a space, for the families the space can build.
    public static func knob(_ name: String, families: [ModelSpec.Family]) -> [KnobDomain] {
        if let d = engineKnob(name) { return [d] }
        if name == "family" { return [.choice(ModelSpec.Family.allCases.map(\.rawValue))] }
        return families.compactMap { f in
            f.defaults.contains { $0.0 == name } ? family(f, name) : nil
        }
    }
}
