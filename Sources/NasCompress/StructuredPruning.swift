import NasCore
import NasNN

/// Structured pruning: removes whole output channels of convolutions, producing a genuinely
/// smaller dense model (fewer weights, MACs and activation bytes), not a mask.
///
/// A convolution's channels can go when they flow only through channel-wise layers (batch
/// norm, activations, pooling, depthwise convolutions, squeeze-excite) to the next convolution
/// or to the classifier after global pooling, inside the same block. Channels that reach a
/// residual add are kept, so both sides of every add stay consistent; depthwise convolutions
/// and squeeze-excite lose the same channels as the convolution feeding them.
public enum StructuredPruning {
    public enum Norm: String, Sendable { case l1, l2 }

    /// A copy of `model` with `fraction` of the channels of every prunable convolution removed,
    /// keeping the channels whose weights have the largest norm.
    public static func prune(_ model: Model, fraction: Double, norm: Norm = .l1) throws -> Model {
        guard (0..<1).contains(fraction) else { throw ShapeError("the channel fraction must be in [0, 1)") }
        var keep: [ObjectIdentifier: [Int]] = [:]
        decide(model.network.layers, fraction: fraction, norm: norm, into: &keep)
        var pruner = ChannelPruner(keep: keep)
        let (layers, selection) = try pruner.rebuild(model.network.layers, selection: nil)
        guard selection == nil else { throw ShapeError("pruning left the classifier's input inconsistent") }
        return try Model(name: model.name, inputShape: model.inputShape, classes: model.classes, layers: layers)
    }

    /// How many of a convolution's `channels` output channels pruning `fraction` of them keeps:
    /// the rounded rest, at least one.
    public static func keptCount(_ channels: Int, fraction: Double) -> Int {
        max(1, Int((Double(channels) * (1 - fraction)).rounded()))
    }

    /// The output channels of every convolution `prune` would prune, in the order it visits them.
    /// The pruned model's shape depends on the fraction only through `keptCount` of these, so
    /// fractions that keep the same counts give the same network (what a cost memo keys on).
    public static func prunableChannels(_ model: Model) -> [Int] {
        var channels: [Int] = []
        forEachPrunable(model.network.layers) { channels.append($0.outputChannels) }
        return channels
    }

    /// Calls `body` with every convolution whose output channels can be pruned, walking every
    /// block's branches: one whose channels reach a mixing layer or the classifier.
    static func forEachPrunable(_ layers: [Layer], _ body: (any WeightedLayer & ChannelPrunable) -> Void) {
        for (index, layer) in layers.enumerated() {
            if let block = layer as? any LayerBlock {
                for branch in block.branches { forEachPrunable(branch, body) }
            } else if let weighted = layer as? any WeightedLayer & ChannelPrunable, weighted.channelRole == .mixing,
                      hasConsumer(after: index, in: layers) {
                body(weighted)
            }
        }
    }

    /// Chooses the channels each prunable convolution keeps: those whose weights have the largest norm.
    static func decide(_ layers: [Layer], fraction: Double, norm: Norm, into keep: inout [ObjectIdentifier: [Int]]) {
        forEachPrunable(layers) { weighted in
            let c = weighted.outputChannels
            var score = [Double](repeating: 0, count: c)
            for (i, w) in weighted.weight.value.enumerated() {
                score[i % c] += norm == .l1 ? Double(abs(w)) : Double(w * w)
            }
            let order = (0..<c).sorted { score[$0] != score[$1] ? score[$0] > score[$1] : $0 < $1 }
            keep[ObjectIdentifier(weighted)] = Array(order.prefix(keptCount(c, fraction: fraction))).sorted()
        }
    }

    /// Whether the channels produced at `index` reach a mixing layer or the classifier through
    /// per-channel layers only, within this list.
    static func hasConsumer(after index: Int, in layers: [Layer]) -> Bool {
        var sawGlobalPool = false
        for layer in layers[(index + 1)...] {
            switch (layer as? any ChannelPrunable)?.channelRole ?? .barrier {
            case .mixing: return !sawGlobalPool
            case .features: return sawGlobalPool
            case .globalPool: sawGlobalPool = true
            case .perChannel: continue
            case .barrier: return false
            }
        }
        return false
    }
}
