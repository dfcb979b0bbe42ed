import NasNN

/// Everything one trial will do, fixed before it starts: which network, how it is trained and
/// how it is compressed. A search maps each point of its space to one plan, so a trial can be
/// costed, skipped or replayed from the plan alone.
public struct TrialPlan {
    /// Builds the untrained network for an input shape and class count from a seed.
    public var architecture: (_ input: [Int], _ classes: Int, _ seed: UInt64) throws -> Model
    public var training: TrainingOptions
    /// Fraction of every prunable convolution's output channels removed (structured pruning).
    public var channels: Double
    /// Whether those channels are switched off gradually during training (an AGP cubic schedule,
    /// `GradualChannelPruning`) rather than cut all at once after it.
    public var gradualChannels = true
    /// Unstructured pruning rate per weighted layer, in network order. Per-layer lists come from
    /// a space sized for its largest network: a smaller network uses the first entries, and a
    /// list shorter than the network repeats its last entry.
    public var prune: [Double]
    /// Weight bit-width per weighted layer (2...8), with the same length rule as `prune`.
    public var bits: [Int]
    /// Fine-tuning after compression, with pruning masks, weight and int8 activation fake-quant.
    public var fineTuning: TrainingOptions

    public init(architecture: @escaping (_ input: [Int], _ classes: Int, _ seed: UInt64) throws -> Model,
                training: TrainingOptions, channels: Double = 0, prune: [Double] = [0], bits: [Int] = [8],
                fineTuning: TrainingOptions) {
        self.architecture = architecture
        self.training = training
        self.channels = channels
        self.prune = prune
        self.bits = bits
        self.fineTuning = fineTuning
    }

    /// `values` fitted to `count` layers by the rule documented on `prune`.
    static func perLayer<T>(_ values: [T], count: Int) -> [T] {
        guard let last = values.last else { return [] }
        return (0..<count).map { $0 < values.count ? values[$0] : last }
    }
}
