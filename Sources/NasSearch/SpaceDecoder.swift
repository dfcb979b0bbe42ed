import Foundation
import NasCore
import NasLang
import NasNN
import NasCompress
import NasCost
import NasOptimize
import NasTrial

/// Maps points of the unit hypercube, where strategies work, to trial plans: one dimension per
/// searched parameter, one per layer for `per layer` parameters. The names a space may use are
/// the model family's settings (`width`, `depth`, ...), `family`, the training knobs (`lr`,
/// `epochs`, `batch`, `optimizer`, `warmup`, `smoothing`, `weight_decay`) and the compression
/// knobs (`channels`, `gradual` (channels switched off during training, default true), `prune`,
/// `bits`, `finetune`, `finetune_lr`); anything else is an error at its declaration.
struct SpaceDecoder {
    /// One searched dimension: a parameter, and for per-layer parameters the layer slot.
    struct Dimension {
        let parameter: SearchParameter
        let layer: Int?
    }

    /// A decoded point: what the user reads (names and values) and what the engine runs.
    struct Configuration {
        let settings: [(String, Value)]
        let spec: ModelSpec
        let plan: TrialPlan
    }

    /// The knob names, in KnobDomain's order (the domains themselves live there).
    static let trainingKnobs = KnobDomain.training.map(\.0)
    static let compressionKnobs = KnobDomain.compression.map(\.0)
    static let perLayerKnobs = ["prune", "bits"]

    let space: SearchSpace
    let base: ModelSpec
    let input: [Int]
    let classes: Int
    private(set) var dimensions: [Dimension] = []
    /// Per-layer slots: the weighted layer count of the space's largest network.
    private(set) var layerSlots = 0
    /// Per slot, the largest network's layer as ARS policies see it: relative depth, share of the
    /// weights, share of the MACs, whether it is the classifier.
    private(set) var layerFeatures: [[Double]] = []

    init(space: SearchSpace, base: ModelSpec, input: [Int], classes: Int, span: SourceSpan) throws {
        self.space = space
        self.base = base
        self.input = input
        self.classes = classes
        var known = Set(Self.trainingKnobs + Self.compressionKnobs + ["family"])
        for family in ModelBuiltins.families { known.formUnion(family.parameters.map(\.0)) }
        for p in space.parameters {
            guard known.contains(p.name) else {
                throw Diagnostic("space '\(space.name)': nasbook does not know the parameter '\(p.name)'", at: p.span,
                                 hint: Suggestions.hint(for: p.name, in: Array(known))
                                    ?? "known: family, model settings (width, depth, ...), " + (Self.trainingKnobs + Self.compressionKnobs).joined(separator: ", "))
            }
            if p.perLayer, !Self.perLayerKnobs.contains(p.name) {
                throw Diagnostic("'\(p.name)' cannot vary per layer", at: p.span, hint: "per layer works for: prune, bits")
            }
            // Values of `optimizer`, `family` and the other knobs were checked against their
            // KnobDomain when the space was declared.
        }
        try Self.validate(space, base: base)
        dimensions = space.parameters.filter { !$0.domain.isFixed && !$0.perLayer }.map { Dimension(parameter: $0, layer: nil) }
        let perLayer = space.parameters.filter { !$0.domain.isFixed && $0.perLayer }
        if !perLayer.isEmpty {
            (layerSlots, layerFeatures) = try largestNetwork(span: span)
            for p in perLayer {
                dimensions += (0..<layerSlots).map { Dimension(parameter: p, layer: $0) }
            }
        }
    }

    /// Every value a space can give each knob is in the knob's domain (`KnobDomain`): a space
    /// declaring `epochs = -1`, `bits in [1, 9]` or `dropout in [0, 2]` is an error at the
    /// declaration, before any trial runs, not a run of "complete" trials that ignored it.
    static func validate(_ space: SearchSpace, base: ModelSpec) throws {
        var families = [base.family]
        if let p = space.parameter("family") {
            for case .string(let name) in choices(p) {
                if let f = ModelSpec.Family(rawValue: name), !families.contains(f) { families.append(f) }
            }
        }
        for p in space.parameters {
            for domain in KnobDomain.knob(p.name, families: families) {
                if case .continuous = p.domain, case .choice = domain.type {
                    throw Diagnostic("space '\(space.name)': '\(p.name)' is a choice, not an interval", at: p.span,
                                     hint: "write \(p.name) in [...] with \(domain.expectation)")
                }
                for value in choices(p) {
                    if let (shown, hint) = domain.problem(with: value) {
                        throw Diagnostic("space '\(space.name)': '\(p.name)' must be \(domain.expectation), not \(shown)",
                                         at: p.span, hint: hint)
                    }
                }
            }
        }
    }

    /// The values a parameter can take, for checks (continuous ones: the ends).
    static func choices(_ p: SearchParameter) -> [Value] {
        switch p.domain {
        case .categorical(let values): return values
        case .integer(let lo, let hi): return [.number(Double(lo)), .number(Double(hi))]
        case .continuous(let lo, let hi, _): return [.number(lo), .number(hi)]
        case .fixed(let v): return [v]
        }
    }

    /// The most weighted layers any architecture choice gives: architecture parameters at
    /// both ends and every categorical choice (the families grow with their settings).
    private func largestNetwork(span: SourceSpan) throws -> (Int, [[Double]]) {
        let architecture = dimensions.filter { !Self.trainingKnobs.contains($0.parameter.name) && !Self.compressionKnobs.contains($0.parameter.name) }
        var probes: [[Double]] = [Array(repeating: 0, count: dimensions.count), Array(repeating: 1, count: dimensions.count)]
        for (i, d) in dimensions.enumerated() where architecture.contains(where: { $0.parameter.name == d.parameter.name }) {
            if case .categorical(let values) = d.parameter.domain {
                for k in values.indices {
                    var x = Array(repeating: 1.0, count: dimensions.count)
                    x[i] = (Double(k) + 0.5) / Double(values.count)
                    probes.append(x)
                }
            }
        }
        var largest: [DeploymentGraph.Op] = []
        for x in probes {
            let spec = modelSpec(globals(x))
            if let model = try? spec.build(input: input, classes: classes, seed: 0), let graph = try? DeploymentGraph(model) {
                let weighted = graph.weightedOps
                if weighted.count > largest.count { largest = weighted }
            }
        }
        guard !largest.isEmpty else {
            throw Diagnostic("space '\(space.name)': no network of this space can be built for \(describe(shape: input)) input",
                             at: span)
        }
        let weights = Double(largest.reduce(0) { $0 + $1.weights }), macs = Double(max(1, largest.reduce(0) { $0 + $1.macs }))
        let features = largest.enumerated().map { i, op in
            [Double(i) / Double(max(1, largest.count - 1)), Double(op.weights) / weights, Double(op.macs) / macs,
             op.kind == .fullyConnected ? 1 : 0]
        }
        return (largest.count, features)
    }

    /// What each dimension decides, for strategies whose policies act per layer.
    var descriptors: [DimensionDescriptor] {
        let width = layerFeatures.first?.count ?? 0
        return dimensions.map { d in
            DimensionDescriptor(layer: d.layer, decision: d.parameter.name,
                                features: d.layer.map { layerFeatures[$0] } ?? Array(repeating: 0, count: width))
        }
    }

    /// Value of every non-per-layer parameter at `x` (fixed ones included), in declaration order.
    private func globals(_ x: [Double]) -> [(String, Value)] {
        var out: [(String, Value)] = []
        for p in space.parameters where !p.perLayer {
            if case .fixed(let v) = p.domain { out.append((p.name, v)); continue }
            let i = dimensions.firstIndex { $0.parameter.name == p.name && $0.layer == nil }!
            out.append((p.name, Self.value(p.domain, at: x[i])))
        }
        return out
    }

    static func value(_ domain: SearchParameter.Domain, at u: Double) -> Value {
        let u = min(max(u, 0), 1)
        switch domain {
        case .categorical(let values): return values[min(values.count - 1, Int(u * Double(values.count)))]
        case .integer(let lo, let hi): return .number(Double(lo + min(hi - lo, Int(u * Double(hi - lo + 1)))))
        case .continuous(let lo, let hi, let log):
            let v = log ? lo.value * pow(hi.value / lo.value, u) : lo.value + u * (hi.value - lo.value)
            return .number(Quantity(value: v, dimension: lo.dimension))
        case .fixed(let v): return v
        }
    }

    private func modelSpec(_ settings: [(String, Value)]) -> ModelSpec {
        var family = base.family
        if case .string(let name)? = settings.first(where: { $0.0 == "family" })?.1, let f = ModelSpec.Family(rawValue: name) {
            family = f
        }
        let defaults = family == base.family ? base.settings
            : ModelBuiltins.families.first { $0.family == family }!.parameters
        let merged = defaults.map { name, value in (name, settings.first { $0.0 == name }?.1 ?? value) }
        return ModelSpec(family: family, settings: merged)
    }

    /// The configuration at `x`.
    func decode(_ x: [Double]) -> Configuration {
        var settings = globals(x)
        for p in space.parameters where p.perLayer {
            if case .fixed(let v) = p.domain { settings.append((p.name, v)); continue }
            let values = dimensions.indices.filter { dimensions[$0].parameter.name == p.name }.map { Self.value(p.domain, at: x[$0]) }
            settings.append((p.name, .list(values)))
        }
        let spec = modelSpec(settings)
        func number(_ name: String, _ fallback: Double) -> Double {
            if case .number(let q)? = settings.first(where: { $0.0 == name })?.1 { return q.value }
            return fallback
        }
        /// A knob varied per layer is a list (its slots, sized for the space's largest network);
        /// a global or fixed one is one value for every layer.
        func perLayer(_ name: String, _ fallback: Double) -> PerLayer<Double> {
            switch settings.first(where: { $0.0 == name })?.1 {
            case .number(let q)?: return .uniform(q.value)
            case .list(let items)?: return .layers(items.compactMap { if case .number(let q) = $0 { return q.value } else { return nil } })
            default: return .uniform(fallback)
            }
        }
        var training = TrainingOptions()
        training.learningRate = Float(number("lr", Double(training.learningRate)))
        // Validated domains keep these in range; rounding handles continuous intervals over
        // whole-number knobs (`epochs in 2 ~ 8`).
        training.epochs = max(1, KnobDomain.int(.number(number("epochs", Double(training.epochs))), default: training.epochs))
        training.batchSize = max(1, KnobDomain.int(.number(number("batch", Double(training.batchSize))), default: training.batchSize))
        training.warmup = min(max(number("warmup", training.warmup), 0), 0.99)
        training.labelSmoothing = Float(min(max(number("smoothing", Double(training.labelSmoothing)), 0), 0.99))
        let decay: Float? = settings.contains { $0.0 == "weight_decay" } ? Float(max(0, number("weight_decay", 0))) : nil
        if case .string(let name)? = settings.first(where: { $0.0 == "optimizer" })?.1,
           let choice = TrainingOptions.OptimizerChoice.named(name, weightDecay: decay) {
            training.optimizer = choice
        } else if let decay, let choice = TrainingOptions.OptimizerChoice.named(training.optimizer.name, weightDecay: decay) {
            training.optimizer = choice
        }
        var fineTuning = TrainingOptions()
        fineTuning.epochs = max(0, KnobDomain.int(.number(number("finetune", 1)), default: 1))
        fineTuning.learningRate = Float(number("finetune_lr", Double(training.learningRate) * 0.2))
        fineTuning.batchSize = training.batchSize
        fineTuning.optimizer = training.optimizer
        fineTuning.labelSmoothing = training.labelSmoothing
        let plan = TrialPlan(architecture: { input, classes, seed in try spec.build(input: input, classes: classes, seed: seed) },
                             training: training, channels: min(max(number("channels", 0), 0), 0.95),
                             prune: perLayer("prune", 0).map { min(max($0, 0), 0.99) },
                             // Declared values are checked against the knob's domain (BitWidth.range),
                             // so each rounded value is a width; `.eight` is never reached.
                             bits: perLayer("bits", 8).map { (try? BitWidth(checking: $0.rounded())) ?? .eight },
                             fineTuning: fineTuning)
        var planned = plan
        if case .bool(let gradual)? = settings.first(where: { $0.0 == "gradual" })?.1 { planned.gradualChannels = gradual }
        return Configuration(settings: settings, spec: spec, plan: planned)
    }
}
