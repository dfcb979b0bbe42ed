import Foundation
import NasCore
import NasCost
import NasNN
import NasOptimize
import NasStudy
import NasTrial

/// Maps points of the unit hypercube, where strategies work, to trial plans: one dimension per
/// searched parameter, one per layer for `per layer` parameters. The names a space may use are
/// the model family's settings (`width`, `depth`, ...), `family`, the training knobs (`lr`,
/// `epochs`, `batch`, `optimizer`, `warmup`, `smoothing`, `weight_decay`) and the compression
/// knobs (`channels`, `gradual` (channels switched off during training, default true), `prune`,
/// `bits`, `finetune`, `finetune_lr`); anything else is a `SpaceProblem`.
///
/// Every value the space gives a knob must be in the knob's `KnobDomain`; the language checks
/// that at the declaration (EngineBuiltins), and decoding stays total for any value (clamped,
/// rounded, a fallback for a wrong kind), so no input reaches a trap.
public struct SpaceDecoder: Sendable {
    /// One searched dimension: a parameter, and for per-layer parameters the layer slot.
    public struct Dimension: Sendable {
        public let parameter: NetworkSpace.Parameter
        public let layer: Int?
    }

    /// A decoded point: what the user reads (names and values) and what the engine runs.
    public struct Configuration {
        public let settings: [(String, ParameterValue)]
        public let spec: ModelSpec
        public let plan: TrialPlan
    }

    /// The knob names, in KnobDomain's order (the domains themselves live there).
    public static let trainingKnobs = KnobDomain.training.map(\.0)
    public static let compressionKnobs = KnobDomain.compression.map(\.0)
    public static let perLayerKnobs = ["prune", "bits"]
    /// Every name a space may use: `family`, each family's settings, the training and compression knobs.
    public static let knownNames: [String] = {
        var names = ["family"]
        for family in ModelSpec.Family.allCases {
            for (name, _) in family.defaults where !names.contains(name) { names.append(name) }
        }
        return names + trainingKnobs + compressionKnobs
    }()

    public let space: NetworkSpace
    public let base: ModelSpec
    public let input: [Int]
    public let classes: Int
    public private(set) var dimensions: [Dimension] = []
    /// Per-layer slots: the weighted layer count of the space's largest network.
    public private(set) var layerSlots = 0
    /// Per slot, the largest network's layer as ARS policies see it: relative depth, share of the
    /// weights, share of the MACs, whether it is the classifier.
    public private(set) var layerFeatures: [[Double]] = []

    /// The decoder of `space` around `base` (the model whose settings the space does not name)
    /// for `input`-shaped samples of `classes` classes.
    public init(space: NetworkSpace, base: ModelSpec, input: [Int], classes: Int) throws(SpaceProblem) {
        if let problem = Self.nameProblem(in: space) { throw problem }
        self.space = space
        self.base = base
        self.input = input
        self.classes = classes
        dimensions = space.parameters.filter { !$0.domain.isFixed && !$0.perLayer }.map { Dimension(parameter: $0, layer: nil) }
        let perLayer = space.parameters.filter { !$0.domain.isFixed && $0.perLayer }
        if !perLayer.isEmpty {
            guard let largest = largestNetwork() else { throw SpaceProblem.noBuildableNetwork }
            (layerSlots, layerFeatures) = largest
            for p in perLayer {
                dimensions += (0..<layerSlots).map { Dimension(parameter: p, layer: $0) }
            }
        }
    }

    /// The first parameter whose name nasbook does not know, or that varies per layer where
    /// only `prune` and `bits` can; nil when every name is fine.
    public static func nameProblem(in space: NetworkSpace) -> SpaceProblem? {
        for (i, p) in space.parameters.enumerated() {
            guard knownNames.contains(p.name) else { return .unknownParameter(i) }
            if p.perLayer, !perLayerKnobs.contains(p.name) { return .notPerLayer(i) }
        }
        return nil
    }

    /// The families a space can build: the base's, then each `family` choice.
    public static func families(of space: NetworkSpace, base: ModelSpec) -> [ModelSpec.Family] {
        var families = [base.family]
        if let p = space.parameter("family") {
            for case .string(let name) in p.domain.values {
                if let f = ModelSpec.Family(rawValue: name), !families.contains(f) { families.append(f) }
            }
        }
        return families
    }

    /// The most weighted layers any architecture choice gives: architecture parameters at
    /// both ends and every categorical choice (the families grow with their settings); nil
    /// when no network of the space can be built.
    private func largestNetwork() -> (Int, [[Double]])? {
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
        guard !largest.isEmpty else { return nil }
        let weights = Double(largest.reduce(0) { $0 + $1.weights }), macs = Double(max(1, largest.reduce(0) { $0 + $1.macs }))
        let features = largest.enumerated().map { i, op in
            [Double(i) / Double(max(1, largest.count - 1)), Double(op.weights) / weights, Double(op.macs) / macs,
             op.kind == .fullyConnected ? 1 : 0]
        }
        return (largest.count, features)
    }

    /// What each dimension decides, for strategies whose policies act per layer.
    public var descriptors: [DimensionDescriptor] {
        let width = layerFeatures.first?.count ?? 0
        return dimensions.map { d in
            DimensionDescriptor(layer: d.layer, decision: d.parameter.name,
                                features: d.layer.map { layerFeatures[$0] } ?? Array(repeating: 0, count: width))
        }
    }

    /// Value of every non-per-layer parameter at `x` (fixed ones included), in declaration order.
    private func globals(_ x: [Double]) -> [(String, ParameterValue)] {
        var out: [(String, ParameterValue)] = []
        for p in space.parameters where !p.perLayer {
            if case .fixed(let v) = p.domain { out.append((p.name, v)); continue }
            let i = dimensions.firstIndex { $0.parameter.name == p.name && $0.layer == nil }!
            out.append((p.name, Self.value(p.domain, at: x[i])))
        }
        return out
    }

    /// The value of `domain` at `u` in [0, 1] (clamped): equal shares of the unit interval per
    /// choice or whole number, a log scale for log intervals.
    public static func value(_ domain: NetworkSpace.Parameter.Domain, at u: Double) -> ParameterValue {
        let u = min(max(u, 0), 1)
        switch domain {
        case .categorical(let values): return values[min(values.count - 1, Int(u * Double(values.count)))]
        case .integer(let lo, let hi): return .number(Double(lo + min(hi - lo, Int(u * Double(hi - lo + 1)))))
        case .continuous(let lo, let hi, let log):
            return .number(log ? lo * pow(hi / lo, u) : lo + u * (hi - lo))
        case .fixed(let v): return v
        }
    }

    private func modelSpec(_ settings: [(String, ParameterValue)]) -> ModelSpec {
        var family = base.family
        if case .string(let name)? = settings.first(where: { $0.0 == "family" })?.1, let f = ModelSpec.Family(rawValue: name) {
            family = f
        }
        return (family == base.family ? base : ModelSpec(family: family)).with(settings)
    }

    /// The configuration at `x`.
    public func decode(_ x: [Double]) -> Configuration {
        var settings = globals(x)
        for p in space.parameters where p.perLayer {
            if case .fixed(let v) = p.domain { settings.append((p.name, v)); continue }
            let values = dimensions.indices.filter { dimensions[$0].parameter.name == p.name }.map { Self.value(p.domain, at: x[$0]) }
            settings.append((p.name, .list(values)))
        }
        let spec = modelSpec(settings)
        func number(_ name: String, _ fallback: Double) -> Double {
            if case .number(let v)? = settings.first(where: { $0.0 == name })?.1 { return v }
            return fallback
        }
        /// A knob varied per layer is a list (its slots, sized for the space's largest network);
        /// a global or fixed one is one value for every layer.
        func perLayer(_ name: String, _ fallback: Double) -> PerLayer<Double> {
            switch settings.first(where: { $0.0 == name })?.1 {
            case .number(let v)?: return .uniform(v)
            case .list(let items)?: return .layers(items.compactMap { if case .number(let v) = $0 { return v } else { return nil } })
            default: return .uniform(fallback)
            }
        }
        var training = TrainingOptions()
        training.learningRate = Float(number("lr", Double(training.learningRate)))
        // Validated domains keep these in range; rounding handles continuous intervals over
        // whole-number knobs (`epochs in 2 ~ 8`).
        training.epochs = max(1, KnobDomain.int(number("epochs", Double(training.epochs)), default: training.epochs))
        training.batchSize = max(1, KnobDomain.int(number("batch", Double(training.batchSize)), default: training.batchSize))
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
        fineTuning.epochs = max(0, KnobDomain.int(number("finetune", 1), default: 1))
        fineTuning.learningRate = Float(number("finetune_lr", Double(training.learningRate) * 0.2))
        fineTuning.batchSize = training.batchSize
        fineTuning.optimizer = training.optimizer
        fineTuning.labelSmoothing = training.labelSmoothing
        let plan = TrialPlan(architecture: spec,
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

/// The cost oracle of a decoded space: a configuration's architecture is keyed by its spec.
extension CostOracle {
    /// An oracle for the points `decoder` decodes.
    public convenience init(decoder: SpaceDecoder, runner: TrialRunner, input: [Int], classes: Int) {
        self.init(dimensions: decoder.dimensions.count, runner: runner, input: input, classes: classes) { x in
            let configuration = decoder.decode(x)
            return (configuration.plan, configuration.spec.summary)
        }
    }

    /// The cost of the configuration's compressed network; nil when it cannot be built.
    public func cost(_ configuration: SpaceDecoder.Configuration) -> CostReport? {
        cost(configuration.plan, architecture: configuration.spec.summary)
    }

    /// The settings with per-layer lists cut to the layers this network has (a space's lists
    /// are sized for its largest network), as tables and the study storage show them.
    public func settings(_ configuration: SpaceDecoder.Configuration) -> [(String, ParameterValue)] {
        guard let layers = weightedLayers(configuration.plan, architecture: configuration.spec.summary) else {
            return configuration.settings
        }
        return configuration.settings.map { name, value in
            if case .list(let items) = value, items.count > layers { return (name, .list(Array(items.prefix(layers)))) }
            return (name, value)
        }
    }
}
