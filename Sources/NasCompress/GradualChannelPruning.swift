import NasNN

/// Structured pruning spread over training (Zhu & Gupta's automated gradual pruning, applied to
/// whole channels as the paper's `channels` knob asks): the fraction of every prunable
/// convolution's channels that is switched off rises as s(t) = s (1 - (1 - t / T)^3) over the
/// first `pruningSpan` of the steps, then holds while training goes on, so the network learns to
/// do without the channels instead of losing them all at once after training.
///
/// A channel is switched off by zeroing its filter, bias and the batch-norm scale and shift that
/// follow it (and any depthwise filter on its path), so its output is exactly zero; once off it
/// stays off. At the end the switched-off channels are the ones with zero norm, which
/// `StructuredPruning.prune` with the same fraction removes, giving the same function in a
/// smaller model.
public final class GradualChannelPruning: WeightConstraint {
    public let fraction: Double
    /// Share of training over which the pruned fraction ramps up (the rest recovers).
    public let pruningSpan: Double
    /// Prunable convolutions with the parameters that carry their channels.
    private let groups: [ChannelGroup]
    /// Which channels of each group are off, as a mask (for choosing) and as an ascending list
    /// (for zeroing): both change only when the schedule switches more channels off, so the
    /// per-step passes touch just the switched-off entries of each row, with no hashing.
    private var off: [ChannelSet]
    private var target = 0.0

    struct ChannelGroup {
        let conv: any WeightedLayer
        /// Every parameter holding the convolution's channels on its last axis: its filter and
        /// bias, then the per-channel parameters after it on its channels' path (batch norm scale
        /// and shift, depthwise filters and biases), with the channel count as stride.
        let carriers: [Parameter]
    }

    /// The switched-off channels of one group.
    struct ChannelSet {
        private(set) var isOff: [Bool]
        /// The channels whose `isOff` is true, ascending.
        private(set) var channels: [Int] = []

        init(count: Int) { isOff = [Bool](repeating: false, count: count) }

        mutating func switchOff(_ more: some Sequence<Int>) {
            for c in more where !isOff[c] { isOff[c] = true }
            channels = isOff.indices.filter { isOff[$0] }
        }

        /// Sets the entries of the switched-off channels to zero in `values`, whose last axis
        /// is the channel (rows of `isOff.count`; a shorter last row keeps its channels' places).
        func zero(_ values: inout [Float]) {
            let stride = isOff.count
            guard !channels.isEmpty, stride > 0 else { return }
            values.withUnsafeMutableBufferPointer { v in
                channels.withUnsafeBufferPointer { off in
                    var row = 0
                    while row < v.count {
                        for c in off where row + c < v.count { v[row + c] = 0 }
                        row += stride
                    }
                }
            }
        }
    }

    public init(_ model: Model, fraction: Double, pruningSpan: Double = 0.7) throws {
        guard (0..<1).contains(fraction) else { throw ShapeError("the channel fraction must be in [0, 1)") }
        self.fraction = fraction
        self.pruningSpan = max(1e-6, min(1, pruningSpan))
        var found: [ChannelGroup] = []
        Self.collect(model.network.layers, into: &found)
        groups = found
        off = found.map { ChannelSet(count: $0.conv.outputChannels) }
    }

    /// The cubic schedule: the fraction of channels off after `step` of `totalSteps`.
    public static func scheduled(_ fraction: Double, step: Int, totalSteps: Int, span: Double) -> Double {
        let t = min(1, Double(step) / max(1, span * Double(totalSteps)))
        let left = 1 - t
        return fraction * (1 - left * left * left)
    }

    public func progress(step: Int, of totalSteps: Int) {
        target = Self.scheduled(fraction, step: step + 1, totalSteps: totalSteps, span: pruningSpan)
    }

    public func constrain() {
        for (g, group) in groups.enumerated() {
            let c = group.conv.outputChannels
            // The same count StructuredPruning keeps for this fraction, so the end state matches it.
            let wanted = c - max(1, Int((Double(c) * (1 - target)).rounded()))
            if off[g].channels.count < wanted {
                var score = [Double](repeating: 0, count: c)
                for (i, w) in group.conv.weight.value.enumerated() { score[i % c] += Double(abs(w)) }
                let candidates = (0..<c).filter { !off[g].isOff[$0] }
                    .sorted { score[$0] != score[$1] ? score[$0] < score[$1] : $0 < $1 }
                off[g].switchOff(candidates.prefix(wanted - off[g].channels.count))
            }
            for p in group.carriers { off[g].zero(&p.value) }
        }
    }

    public func release() {
        for (g, group) in groups.enumerated() {
            for p in group.carriers { off[g].zero(&p.gradient) }
        }
    }

    /// Channels switched off per prunable convolution, for tests and reports.
    public var channelsOff: [Int] { off.map(\.channels.count) }

    /// The prunable convolutions of every block's branches, each with the per-channel
    /// parameters on its channels' path (`ChannelPrunable.channelParameters`).
    private static func collect(_ layers: [Layer], into found: inout [ChannelGroup]) {
        for (index, layer) in layers.enumerated() {
            if let block = layer as? any LayerBlock {
                for branch in block.branches { collect(branch, into: &found) }
            } else if let conv = layer as? any WeightedLayer & ChannelPrunable, conv.channelRole == .mixing,
                      StructuredPruning.hasConsumer(after: index, in: layers) {
                var followers: [Parameter] = []
                for next in layers[(index + 1)...] {
                    guard let parameters = (next as? any ChannelPrunable)?.channelParameters else { break }
                    followers += parameters
                }
                let own = [conv.weight] + (conv.biasParameter.map { [$0] } ?? [])
                found.append(ChannelGroup(conv: conv, carriers: own + followers))
            }
        }
    }
}
