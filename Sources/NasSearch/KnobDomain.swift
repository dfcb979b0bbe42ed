import NasCore
import NasLang
import NasNN

/// The values one setting accepts: a model family's (`width`, `depth`, ...), a training knob
/// (`lr`, `epochs`, `batch`, `optimizer`) or a compression knob (`channels`, `prune`, `bits`,
/// `finetune`, `finetune_lr`). Defined once here, so `cnn(dropout: 2)`, `train(epochs: -1)` and a
/// space declaring `dropout in [0, 2]` or `epochs = -1` are refused alike, at the value's span,
/// before anything trains; and every number that becomes an `Int` is in range first (a space
/// value of `1e19` or `inf` must be a diagnostic, not a trapping conversion).
struct KnobDomain {
    /// The values admitted, as a builtin parameter declares them: `train(epochs:)` and a space's
    /// `epochs` share one type, so they are checked, and their errors worded, alike.
    let type: ParameterType

    static func whole(_ range: ClosedRange<Int>, odd: Bool = false) -> KnobDomain { KnobDomain(type: .integer(range, odd: odd)) }
    /// [0, upper), or [0, upper] when `closed`.
    static func fraction(upTo upper: Double, closed: Bool = false) -> KnobDomain {
        KnobDomain(type: .number(.from(0, to: upper, upperIncluded: closed)))
    }
    /// Above zero, at most `upper` (finite when `upper` is the largest finite number).
    static func positive(upTo upper: Double) -> KnobDomain {
        KnobDomain(type: .number(upper == .greatestFiniteMagnitude ? .positive : .positive(atMost: upper)))
    }
    static let flag = KnobDomain(type: .bool)
    static func choice(_ names: [String]) -> KnobDomain { KnobDomain(type: .choice(names)) }

    /// What the domain admits, for messages: "a whole number from 1 to 8".
    var expectation: String { type.expectation }

    /// Nil when `value` is admitted; otherwise the value as a message shows it, and a hint (a
    /// did-you-mean for choices).
    func problem(with value: Value) -> (shown: String, hint: String?)? { type.problem(with: value) }

    /// An admitted value as an Int (whole-number domains only reach here after `problem`).
    static func int(_ value: Value, default fallback: Int) -> Int {
        guard case .number(let q) = value, let v = Quantity(value: q.value.rounded()).exactInt else { return fallback }
        return v
    }

    // MARK: - The knobs

    /// `train(optimizer:)` and a space's `optimizer`.
    static let optimizers = TrainingOptions.OptimizerChoice.names
    /// `train(schedule:)`: the learning-rate schedule after the warm-up.
    enum Schedule: String, CaseIterable {
        case cosine, step, constant
    }

    /// Training knobs a space may vary (they are `train`'s arguments of the same names).
    static let training: [(String, KnobDomain)] = [
        ("lr", .positive(upTo: .greatestFiniteMagnitude)),
        ("epochs", .whole(1...10_000)),
        ("batch", .whole(1...4096)),
        ("optimizer", .choice(optimizers)),
        ("warmup", .fraction(upTo: 1)),
        ("smoothing", .fraction(upTo: 1)),
        ("weight_decay", .fraction(upTo: 1, closed: true)),
    ]

    /// Compression knobs a space may vary (`compress`'s arguments; `finetune` is its epochs).
    static let compression: [(String, KnobDomain)] = [
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
    static let maxMobileNetWidth = 4.0

    /// A model family's setting.
    static func family(_ family: ModelSpec.Family, _ name: String) -> KnobDomain? {
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

    /// A training or compression knob's domain by name (`"epochs"`).
    static func named(_ name: String) -> KnobDomain {
        guard let d = (training + compression).first(where: { $0.0 == name })?.1 else {
            preconditionFailure("no knob named \(name)")  // a programming error: names are literals in the engine
        }
        return d
    }

    /// The domain of a knob named in a space, for the families the space can build.
    static func knob(_ name: String, families: [ModelSpec.Family]) -> [KnobDomain] {
        if let d = (training + compression).first(where: { $0.0 == name })?.1 { return [d] }
        if name == "family" { return [.choice(ModelBuiltins.families.map(\.family.rawValue))] }
        return families.compactMap { f in
            ModelBuiltins.families.first { $0.family == f }?.parameters.contains { $0.0 == name } == true ? family(f, name) : nil
        }
    }
}

extension KnobDomain {
    /// Teaches the language the engine's knobs: `check` refuses unknown names for choice knobs,
    /// and a space declaration is checked against every family-independent knob's domain when
    /// it runs (the family's settings are checked at `search`, once the family is known).
    static func register(into r: inout BuiltinRegistry) {
        r.defineKnobChoices("optimizer", optimizers)
        r.defineKnobChoices("family", ModelBuiltins.families.map(\.family.rawValue))
        r.checkSpaces { space in
            for p in space.parameters {
                guard let domain = (training + compression).first(where: { $0.0 == p.name })?.1 else { continue }
                for value in SpaceDecoder.choices(p) {
                    if let (shown, hint) = domain.problem(with: value) {
                        throw Diagnostic("space '\(space.name)': '\(p.name)' must be \(domain.expectation), not \(shown)",
                                         at: p.span, hint: hint)
                    }
                }
            }
        }
    }
}

