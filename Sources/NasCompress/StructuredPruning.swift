import NasCore
import NasData
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
        var rng = SeededGenerator(seed: 0)  // weights are all copied; the generator only satisfies initializers
        var keep: [ObjectIdentifier: [Int]] = [:]
        decide(model.network.layers, fraction: fraction, norm: norm, into: &keep)
        let (layers, selection) = try rebuild(model.network.layers, selection: nil, keep: keep, rng: &rng)
        guard selection == nil else { throw ShapeError("pruning left the classifier's input inconsistent") }
        return try Model(name: model.name, inputShape: model.inputShape, classes: model.classes, layers: layers)
    }

    /// Chooses the channels each prunable convolution keeps.
    static func decide(_ layers: [Layer], fraction: Double, norm: Norm, into keep: inout [ObjectIdentifier: [Int]]) {
        for (index, layer) in layers.enumerated() {
            switch layer {
            case let conv as Conv2D where conv.groups == 1 && hasConsumer(after: index, in: layers):
                let c = conv.outChannels
                var score = [Double](repeating: 0, count: c)
                for (i, w) in conv.weight.value.enumerated() {
                    score[i % c] += norm == .l1 ? Double(abs(w)) : Double(w * w)
                }
                let kept = max(1, Int((Double(c) * (1 - fraction)).rounded()))
                let order = (0..<c).sorted { score[$0] != score[$1] ? score[$0] > score[$1] : $0 < $1 }
                keep[ObjectIdentifier(conv)] = Array(order.prefix(kept)).sorted()
            case let residual as Residual:
                decide(residual.body.layers, fraction: fraction, norm: norm, into: &keep)
                decide(residual.shortcut.layers, fraction: fraction, norm: norm, into: &keep)
            case let sequence as Sequential:
                decide(sequence.layers, fraction: fraction, norm: norm, into: &keep)
            default:
                break
            }
        }
    }

    /// Whether the channels produced at `index` reach a convolution or the classifier through
    /// channel-wise layers only, within this list.
    static func hasConsumer(after index: Int, in layers: [Layer]) -> Bool {
        var sawGlobalPool = false
        for layer in layers[(index + 1)...] {
            switch layer {
            case let conv as Conv2D:
                if conv.groups == 1 { return !sawGlobalPool }
                if conv.groups != conv.inChannels || conv.inChannels != conv.outChannels { return false }
            case is Dense:
                return sawGlobalPool
            case is GlobalAvgPool:
                sawGlobalPool = true
            case is BatchNorm, is Activation, is Pool, is Dropout, is SqueezeExcite:
                continue
            default:
                return false
            }
        }
        return false
    }

    /// Copies layers keeping the channels in `selection` (indices into the original channels of
    /// the incoming tensor; nil: all). Returns the new layers and the outgoing selection.
    static func rebuild(_ layers: [Layer], selection incoming: [Int]?, keep: [ObjectIdentifier: [Int]],
                        rng: inout SeededGenerator) throws -> ([Layer], [Int]?) {
        var selection = incoming
        var result: [Layer] = []
        for layer in layers {
            switch layer {
            case let conv as Conv2D where conv.groups == 1:
                let inputs = selection ?? Array(0..<conv.inChannels)
                let outputs = keep[ObjectIdentifier(conv)] ?? Array(0..<conv.outChannels)
                let copy = Conv2D(inChannels: inputs.count, outChannels: outputs.count, kernel: conv.kernel, stride: conv.stride,
                                  padding: conv.padding, bias: conv.bias != nil, kind: conv.kind, rng: &rng)
                let taps = conv.kernel.height * conv.kernel.width
                copy.weight.value = (0..<taps).flatMap { t in
                    inputs.flatMap { i in outputs.map { o in conv.weight.value[(t * conv.inChannels + i) * conv.outChannels + o] } }
                }
                if let bias = conv.bias { copy.bias!.value = outputs.map { bias.value[$0] } }
                result.append(copy)
                selection = outputs.count == conv.outChannels ? nil : outputs
            case let conv as Conv2D:
                // Depthwise: loses the same channels as its input.
                let channels = selection ?? Array(0..<conv.outChannels)
                let copy = Conv2D(inChannels: channels.count, outChannels: channels.count, kernel: conv.kernel, stride: conv.stride,
                                  padding: conv.padding, groups: channels.count, bias: conv.bias != nil, kind: conv.kind, rng: &rng)
                let taps = conv.kernel.height * conv.kernel.width
                copy.weight.value = (0..<taps).flatMap { t in channels.map { conv.weight.value[t * conv.outChannels + $0] } }
                if let bias = conv.bias { copy.bias!.value = channels.map { bias.value[$0] } }
                result.append(copy)
            case let bn as BatchNorm:
                let channels = selection ?? Array(0..<bn.channels)
                let copy = BatchNorm(channels: channels.count, momentum: bn.momentum, epsilon: bn.epsilon)
                copy.gamma.value = channels.map { bn.gamma.value[$0] }
                copy.beta.value = channels.map { bn.beta.value[$0] }
                copy.runningMean = channels.map { bn.runningMean[$0] }
                copy.runningVariance = channels.map { bn.runningVariance[$0] }
                result.append(copy)
            case let se as SqueezeExcite:
                let channels = selection ?? Array(0..<se.channels)
                let hidden = se.reduce.outFeatures
                let copy = SqueezeExcite(channels: channels.count, hidden: hidden, rng: &rng)
                copy.reduce.weight.value = channels.flatMap { c in (0..<hidden).map { se.reduce.weight.value[c * hidden + $0] } }
                copy.reduce.bias.value = se.reduce.bias.value
                copy.expand.weight.value = (0..<hidden).flatMap { h in channels.map { se.expand.weight.value[h * se.channels + $0] } }
                copy.expand.bias.value = channels.map { se.expand.bias.value[$0] }
                result.append(copy)
            case let dense as Dense:
                let inputs = selection ?? Array(0..<dense.inFeatures)
                let copy = Dense(inFeatures: inputs.count, outFeatures: dense.outFeatures, rng: &rng)
                copy.weight.value = inputs.flatMap { i in (0..<dense.outFeatures).map { dense.weight.value[i * dense.outFeatures + $0] } }
                copy.bias.value = dense.bias.value
                result.append(copy)
                selection = nil
            case let residual as Residual:
                guard selection == nil else { throw ShapeError("channels feeding a residual block cannot be pruned") }
                let (body, bodyOut) = try rebuild(residual.body.layers, selection: nil, keep: keep, rng: &rng)
                let (shortcut, sideOut) = try rebuild(residual.shortcut.layers, selection: nil, keep: keep, rng: &rng)
                guard bodyOut == nil, sideOut == nil else { throw ShapeError("a residual add would see pruned channels") }
                result.append(Residual(body: body, shortcut: shortcut))
            case let sequence as Sequential:
                let (inner, out) = try rebuild(sequence.layers, selection: selection, keep: keep, rng: &rng)
                result.append(Sequential(inner, kind: sequence.kind))
                selection = out
            case let activation as Activation:
                result.append(Activation(activation.function))
            case let pool as Pool:
                result.append(Pool(pool.mode, size: pool.size, stride: pool.stride, oneDimensional: pool.oneDimensional))
            case is GlobalAvgPool:
                result.append(GlobalAvgPool())
            case let dropout as Dropout:
                result.append(Dropout(rate: dropout.rate, seed: dropout.seed))
            case is Flatten:
                guard selection == nil else { throw ShapeError("channels before a flatten cannot be pruned") }
                result.append(Flatten())
            default:
                throw ShapeError("structured pruning does not know layer \(layer.kind)")
            }
        }
        return (result, selection)
    }
}
