import NasCore
import NasNN

/// Everything one trial will do, fixed before it starts: which network, how it is trained and
/// how it is compressed. A search maps each point of its space to one plan, so a trial can be
/// costed, skipped or replayed from the plan alone.
public struct TrialPlan {
    /// The network: a family and its settings, built for the data's input shape and class
    /// count from the trial's seed (`ModelSpec.build`).
    public var architecture: ModelSpec
    public var training: TrainingOptions
    /// Fraction of every prunable convolution's output channels removed (structured pruning).
    public var channels: Double
    /// Whether those channels are switched off gradually during training (an AGP cubic schedule,
    /// `GradualChannelPruning`) rather than cut all at once after it.
    public var gradualChannels = true
    /// Unstructured pruning rate per weighted layer, fitted to the compressed network by
    /// `PerLayer`'s rule (a space's per-layer slots are sized for its largest network, so a
    /// smaller network takes the first entries).
    public var prune: PerLayer<Double>
    /// Weight bit-width per weighted layer, fitted the same way.
    public var bits: PerLayer<BitWidth>
    /// Fine-tuning after compression, with pruning masks, weight and int8 activation fake-quant.
    public var fineTuning: TrainingOptions

    public init(architecture: ModelSpec,
                training: TrainingOptions, channels: Double = 0, prune: PerLayer<Double> = .uniform(0),
                bits: PerLayer<BitWidth> = .uniform(.eight),
                fineTuning: TrainingOptions) {
        self.architecture = architecture
        self.training = training
        self.channels = channels
        self.prune = prune
        self.bits = bits
        self.fineTuning = fineTuning
    }
}
