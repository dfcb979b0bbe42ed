import NasCore
import NasData
import NasNN

/// What a layer does with the channels of its input, as structured pruning sees it.
public enum ChannelRole: Sendable, Equatable {
    /// Makes each output channel from all input channels (a convolution with one group): its
    /// output channels may be pruned.
    case mixing
    /// Keeps each channel to itself (batch norm, activations, pooling, dropout, depthwise
    /// convolutions, squeeze-excite): loses the channels its input lost.
    case perChannel
    /// Averages each channel over all positions: after it, channels are features.
    case globalPool
    /// Reads a feature vector (a dense layer): takes a pruned selection in, gives all outputs.
    case features
    /// A pruned selection may not cross it (flatten, grouped convolutions, blocks).
    case barrier
}

/// The structured-pruning capability: a layer says how channels flow through it and how to
/// copy itself for fewer channels. A layer without it stops pruning with an error naming it.
public protocol ChannelPrunable: Layer {
    var channelRole: ChannelRole { get }
    /// A copy for an input restricted to `inputs` (indices into the original input channels;
    /// nil: all), with the output channels `pruner` keeps for it; returns the copy and the
    /// selection of its output channels (nil: all).
    func pruned(inputs: [Int]?, by pruner: inout ChannelPruner) throws -> (layer: Layer, selection: [Int]?)
    /// For gradual pruning: the parameters after a pruned convolution that hold its channels on
    /// their last axis (batch-norm scale and shift, depthwise filters), zeroed with the channel;
    /// `[]` for layers without parameters that pass channels on; nil where the walk stops.
    var channelParameters: [Parameter]? { get }
}

extension ChannelPrunable {
    public var channelParameters: [Parameter]? { nil }
}

/// The state of one structured-pruning rebuild: the channels each mixing layer keeps, and a
/// generator that only satisfies initializers (every weight is copied).
public struct ChannelPruner {
    let keep: [ObjectIdentifier: [Int]]
    var rng = OverwrittenWeights()

    /// What a copy's initializer draws its weights from: nothing worth drawing, as each copy's
    /// weights and biases are overwritten with the kept ones right after (a cost oracle prunes
    /// thousands of networks per proposal, and drawing their weights was most of that work).
    struct OverwrittenWeights: RandomNumberGenerator {
        mutating func next() -> UInt64 { 0 }
    }

    /// The output channels `layer` keeps (nil: all).
    func kept(by layer: Layer) -> [Int]? { keep[ObjectIdentifier(layer)] }

    /// Copies layers keeping the channels in `selection` (nil: all); returns the new layers and
    /// the outgoing selection.
    mutating func rebuild(_ layers: [Layer], selection incoming: [Int]?) throws -> ([Layer], [Int]?) {
        var selection = incoming
        var result: [Layer] = []
        for layer in layers {
            guard let prunable = layer as? any ChannelPrunable else {
                throw ShapeError("structured pruning does not know layer \(layer.kind)")
            }
            let (copy, out) = try prunable.pruned(inputs: selection, by: &self)
            result.append(copy)
            selection = out
        }
        return (result, selection)
    }
}

extension Conv2D: ChannelPrunable {
    public var channelRole: ChannelRole {
        if groups == 1 { return .mixing }
        return groups == inChannels && inChannels == outChannels ? .perChannel : .barrier
    }

    public var channelParameters: [Parameter]? { groups > 1 ? [weight] + (bias.map { [$0] } ?? []) : nil }

    public func pruned(inputs: [Int]?, by pruner: inout ChannelPruner) throws -> (layer: Layer, selection: [Int]?) {
        let taps = kernel.height * kernel.width
        switch channelRole {
        case .mixing:
            let inputs = inputs ?? Array(0..<inChannels)
            let outputs = pruner.kept(by: self) ?? Array(0..<outChannels)
            let copy = Conv2D(inChannels: inputs.count, outChannels: outputs.count, kernel: kernel, stride: stride,
                              padding: padding, bias: bias != nil, kind: kind, rng: &pruner.rng)
            copy.weight.value = (0..<taps).flatMap { t in
                inputs.flatMap { i in outputs.map { o in weight.value[(t * inChannels + i) * outChannels + o] } }
            }
            if let bias { copy.bias!.value = outputs.map { bias.value[$0] } }
            return (copy, outputs.count == outChannels ? nil : outputs)
        case .perChannel:
            // Depthwise: loses the same channels as its input.
            let channels = inputs ?? Array(0..<outChannels)
            let copy = Conv2D(inChannels: channels.count, outChannels: channels.count, kernel: kernel, stride: stride,
                              padding: padding, groups: channels.count, bias: bias != nil, kind: kind, rng: &pruner.rng)
            copy.weight.value = (0..<taps).flatMap { t in channels.map { weight.value[t * outChannels + $0] } }
            if let bias { copy.bias!.value = channels.map { bias.value[$0] } }
            return (copy, inputs)
        default:
            throw ShapeError("structured pruning does not know grouped convolutions (\(groups) groups)")
        }
    }
}

extension BatchNorm: ChannelPrunable {
    public var channelRole: ChannelRole { .perChannel }
    public var channelParameters: [Parameter]? { [gamma, beta] }

    public func pruned(inputs: [Int]?, by pruner: inout ChannelPruner) throws -> (layer: Layer, selection: [Int]?) {
        let kept = inputs ?? Array(0..<channels)
        let copy = BatchNorm(channels: kept.count, momentum: momentum, epsilon: epsilon)
        copy.gamma.value = kept.map { gamma.value[$0] }
        copy.beta.value = kept.map { beta.value[$0] }
        copy.runningMean = kept.map { runningMean[$0] }
        copy.runningVariance = kept.map { runningVariance[$0] }
        return (copy, inputs)
    }
}

extension SqueezeExcite: ChannelPrunable {
    public var channelRole: ChannelRole { .perChannel }

    public func pruned(inputs: [Int]?, by pruner: inout ChannelPruner) throws -> (layer: Layer, selection: [Int]?) {
        let kept = inputs ?? Array(0..<channels)
        let hidden = reduce.outFeatures
        let copy = SqueezeExcite(channels: kept.count, hidden: hidden, rng: &pruner.rng)
        copy.reduce.weight.value = kept.flatMap { c in (0..<hidden).map { reduce.weight.value[c * hidden + $0] } }
        copy.reduce.bias.value = reduce.bias.value
        copy.expand.weight.value = (0..<hidden).flatMap { h in kept.map { expand.weight.value[h * channels + $0] } }
        copy.expand.bias.value = kept.map { expand.bias.value[$0] }
        return (copy, inputs)
    }
}

extension Dense: ChannelPrunable {
    public var channelRole: ChannelRole { .features }

    public func pruned(inputs: [Int]?, by pruner: inout ChannelPruner) throws -> (layer: Layer, selection: [Int]?) {
        let kept = inputs ?? Array(0..<inFeatures)
        let copy = Dense(inFeatures: kept.count, outFeatures: outFeatures, rng: &pruner.rng)
        copy.weight.value = kept.flatMap { i in (0..<outFeatures).map { weight.value[i * outFeatures + $0] } }
        copy.bias.value = bias.value
        return (copy, nil)
    }
}

extension Residual: ChannelPrunable {
    public var channelRole: ChannelRole { .barrier }

    public func pruned(inputs: [Int]?, by pruner: inout ChannelPruner) throws -> (layer: Layer, selection: [Int]?) {
        guard inputs == nil else { throw ShapeError("channels feeding a residual block cannot be pruned") }
        let (newBody, bodyOut) = try pruner.rebuild(body.layers, selection: nil)
        let (newShortcut, sideOut) = try pruner.rebuild(shortcut.layers, selection: nil)
        guard bodyOut == nil, sideOut == nil else { throw ShapeError("a residual add would see pruned channels") }
        return (Residual(body: newBody, shortcut: newShortcut), nil)
    }
}

extension Sequential: ChannelPrunable {
    public var channelRole: ChannelRole { .barrier }

    public func pruned(inputs: [Int]?, by pruner: inout ChannelPruner) throws -> (layer: Layer, selection: [Int]?) {
        let (inner, out) = try pruner.rebuild(layers, selection: inputs)
        return (Sequential(inner, kind: kind), out)
    }
}

extension Activation: ChannelPrunable {
    public var channelRole: ChannelRole { .perChannel }
    public var channelParameters: [Parameter]? { [] }

    public func pruned(inputs: [Int]?, by pruner: inout ChannelPruner) throws -> (layer: Layer, selection: [Int]?) {
        (Activation(function), inputs)
    }
}

extension Pool: ChannelPrunable {
    public var channelRole: ChannelRole { .perChannel }
    public var channelParameters: [Parameter]? { [] }

    public func pruned(inputs: [Int]?, by pruner: inout ChannelPruner) throws -> (layer: Layer, selection: [Int]?) {
        (Pool(mode, size: size, stride: stride, oneDimensional: oneDimensional), inputs)
    }
}

extension GlobalAvgPool: ChannelPrunable {
    public var channelRole: ChannelRole { .globalPool }

    public func pruned(inputs: [Int]?, by pruner: inout ChannelPruner) throws -> (layer: Layer, selection: [Int]?) {
        (GlobalAvgPool(), inputs)
    }
}

extension Dropout: ChannelPrunable {
    public var channelRole: ChannelRole { .perChannel }
    public var channelParameters: [Parameter]? { [] }

    public func pruned(inputs: [Int]?, by pruner: inout ChannelPruner) throws -> (layer: Layer, selection: [Int]?) {
        (Dropout(rate: rate, seed: seed), inputs)
    }
}

extension Flatten: ChannelPrunable {
    public var channelRole: ChannelRole { .barrier }

    public func pruned(inputs: [Int]?, by pruner: inout ChannelPruner) throws -> (layer: Layer, selection: [Int]?) {
        guard inputs == nil else { throw ShapeError("channels before a flatten cannot be pruned") }
        return (Flatten(), nil)
    }
}
