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
    private var off: [Set<Int>]
    private var target = 0.0

    struct ChannelGroup {
        let conv: any WeightedLayer
        /// Per-channel parameters after the convolution on its channels' path (batch norm scale
        /// and shift, depthwise filters and biases), with the channel count as stride.
        let followers: [Parameter]
    }

    public init(_ model: Model, fraction: Double, pruningSpan: Double = 0.7) throws {
        guard (0..<1).contains(fraction) else { throw ShapeError("the channel fraction must be in [0, 1)") }
        self.fraction = fraction
        self.pruningSpan = max(1e-6, min(1, pruningSpan))
        var found: [ChannelGroup] = []
        Self.collect(model.network.layers, into: &found)
        groups = found
        off = found.map { _ in [] }
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
            if off[g].count < wanted {
                var score = [Double](repeating: 0, count: c)
                for (i, w) in group.conv.weight.value.enumerated() { score[i % c] += Double(abs(w)) }
                let candidates = (0..<c).filter { !off[g].contains($0) }
                    .sorted { score[$0] != score[$1] ? score[$0] < score[$1] : $0 < $1 }
                off[g].formUnion(candidates.prefix(wanted - off[g].count))
            }
            guard !off[g].isEmpty else { continue }
            // Every tensor here keeps the channel on its last axis (HWIO filters, per-channel vectors).
            for p in [group.conv.weight] + (group.conv.biasParameter.map { [$0] } ?? []) + group.followers {
                for i in p.value.indices where off[g].contains(i % c) { p.value[i] = 0 }
            }
        }
    }

    public func release() {
        for (g, group) in groups.enumerated() where !off[g].isEmpty {
            let c = group.conv.outputChannels
            for p in [group.conv.weight] + (group.conv.biasParameter.map { [$0] } ?? []) + group.followers {
                for i in p.gradient.indices where off[g].contains(i % c) { p.gradient[i] = 0 }
            }
        }
    }

    /// Channels switched off per prunable convolution, for tests and reports.
    public var channelsOff: [Int] { off.map(\.count) }

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
                found.append(ChannelGroup(conv: conv, followers: followers))
            }
        }
    }
}
