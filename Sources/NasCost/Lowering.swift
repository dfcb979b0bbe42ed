import NasNN

/// The lowering capability: how a layer becomes the runtime's ops. Every layer the engine builds
/// adopts it here, where the runtime's op set is defined; `DeploymentGraph` refuses a layer
/// without it by name, so a new layer type is never silently left out of the graph, its costs
/// or its export.
protocol Lowerable: Layer {
    /// Emits this layer's ops into `graph`, reading tensor `input` of per-sample `shape`. A layer
    /// may absorb layers from `followers` (those after it in its list: a batch norm folded into a
    /// convolution, a ReLU fused into its requantization); returns its output tensor and how
    /// many followers it absorbed.
    func lower(into graph: inout DeploymentGraph, input: Int, shape: [Int], followers: ArraySlice<Layer>) throws
        -> (tensor: Int, absorbed: Int)
}

extension DeploymentGraph {
    /// What a weighted op absorbs from the layers after it: a batch norm right after it folds
    /// into its weights, and a ReLU/ReLU6 after that fuses into its requantization.
    struct Absorbed {
        var sources: [Layer]
        var folded: (any FoldableNormalization)?
        var activation = FusedActivation.none
        var count = 0

        init(_ layer: Layer, followers: ArraySlice<Layer>) {
            sources = [layer]
            var next = followers.startIndex
            if next < followers.endIndex, let norm = followers[next] as? any FoldableNormalization {
                sources.append(norm)
                folded = norm
                count += 1
                next += 1
            }
            if next < followers.endIndex, let fusable = DeploymentGraph.fused(followers[next]), fusable != .none {
                activation = fusable
                count += 1
            }
        }
    }

    /// The activation a ReLU or ReLU6 layer is to the runtime (`.none` for other activations);
    /// nil for layers that are not activations.
    static func fused(_ layer: Layer) -> FusedActivation? {
        guard let a = layer as? Activation else { return nil }
        return a.function == .relu ? .relu : a.function == .relu6 ? .relu6 : FusedActivation.none
    }
}

extension Conv2D: Lowerable {
    func lower(into graph: inout DeploymentGraph, input: Int, shape: [Int], followers: ArraySlice<Layer>) throws
        -> (tensor: Int, absorbed: Int) {
        let absorbed = DeploymentGraph.Absorbed(self, followers: followers)
        let outShape = try outputShape(shape)
        let bias = bias != nil || absorbed.folded != nil
        let depthwise = groups == inChannels && groups > 1
        let k = kernel.height * kernel.width
        let pointwise = k == 1 && stride == 1
        let scratch = pointwise ? 0 : 2 * (depthwise ? inChannels : inChannels / groups) * k * (depthwise ? 1 : 2)
        let window = DeploymentGraph.ConvolutionWindow(kernelHeight: kernel.height, kernelWidth: kernel.width, stride: stride,
                                                       paddingHeight: padding.height, paddingWidth: padding.width, groups: groups,
                                                       inputChannels: inChannels)
        let out = graph.emit(.convolution(window, depthwise: depthwise), [input], shape: outShape, weights: weight.count,
                             biases: bias ? outChannels : 0, channels: outChannels, macs: macs(shape), scratch: scratch,
                             sources: absorbed.sources, weighted: self, folded: absorbed.folded, activation: absorbed.activation)
        return (out, absorbed.count)
    }
}

extension Dense: Lowerable {
    func lower(into graph: inout DeploymentGraph, input: Int, shape: [Int], followers: ArraySlice<Layer>) throws
        -> (tensor: Int, absorbed: Int) {
        let absorbed = DeploymentGraph.Absorbed(self, followers: followers)
        let outShape = try outputShape(shape)
        let out = graph.emit(.fullyConnected, [input], shape: outShape, weights: weight.count, biases: outFeatures,
                             channels: outFeatures, macs: macs(shape), sources: absorbed.sources, weighted: self,
                             folded: absorbed.folded, activation: absorbed.activation)
        return (out, absorbed.count)
    }
}

extension BatchNorm: Lowerable {
    /// A batch norm no weighted op absorbed: its own op (which the integer path refuses).
    func lower(into graph: inout DeploymentGraph, input: Int, shape: [Int], followers: ArraySlice<Layer>) throws
        -> (tensor: Int, absorbed: Int) {
        let outShape = try outputShape(shape)
        return (graph.emit(.batchNorm, [input], shape: outShape, weights: channels, biases: channels, channels: channels,
                           macs: outShape.reduce(1, *), sources: [self]), 0)
    }
}

extension Activation: Lowerable {
    func lower(into graph: inout DeploymentGraph, input: Int, shape: [Int], followers: ArraySlice<Layer>) throws
        -> (tensor: Int, absorbed: Int) {
        let outShape = try outputShape(shape)
        let kind: DeploymentGraph.Operation? = switch function {
        case .relu, .relu6: nil  // a standalone ReLU fuses into the producing op's requantization
        case .hardSwish: .hardSwish
        case .sigmoid: .logistic
        case .hardSigmoid: .hardSigmoid
        }
        if let kind { return (graph.emit(kind, [input], shape: outShape, sources: [self]), 0) }
        guard let fusable = DeploymentGraph.fused(self), graph.fuse(fusable, intoOpWriting: input) else {
            throw ShapeError("a \(self.kind) that does not follow an op cannot be fused")
        }
        return (input, 0)
    }
}

extension Pool: Lowerable {
    func lower(into graph: inout DeploymentGraph, input: Int, shape: [Int], followers: ArraySlice<Layer>) throws
        -> (tensor: Int, absorbed: Int) {
        let window = DeploymentGraph.PoolWindow(size: size, stride: stride, oneDimensional: oneDimensional)
        return (graph.emit(.pool(window, max: mode == .max), [input], shape: try outputShape(shape), macs: macs(shape), sources: [self]), 0)
    }
}

extension GlobalAvgPool: Lowerable {
    func lower(into graph: inout DeploymentGraph, input: Int, shape: [Int], followers: ArraySlice<Layer>) throws
        -> (tensor: Int, absorbed: Int) {
        (graph.emit(.mean, [input], shape: try outputShape(shape), macs: shape.reduce(1, *), sources: [self]), 0)
    }
}

/// Flatten and dropout are aliases of their input at inference: no op.
extension Flatten: Lowerable {
    func lower(into graph: inout DeploymentGraph, input: Int, shape: [Int], followers: ArraySlice<Layer>) throws
        -> (tensor: Int, absorbed: Int) { (input, 0) }
}

extension Dropout: Lowerable {
    func lower(into graph: inout DeploymentGraph, input: Int, shape: [Int], followers: ArraySlice<Layer>) throws
        -> (tensor: Int, absorbed: Int) { (input, 0) }
}

extension Residual: Lowerable {
    func lower(into graph: inout DeploymentGraph, input: Int, shape: [Int], followers: ArraySlice<Layer>) throws
        -> (tensor: Int, absorbed: Int) {
        let outShape = try outputShape(shape)
        let body = try graph.lower(self.body.layers, from: input, shape: shape)
        let side = try graph.lower(shortcut.layers, from: input, shape: shape)
        return (graph.emit(.add, [body.tensor, side.tensor], shape: outShape, macs: outShape.reduce(1, *), sources: [self]), 0)
    }
}

extension SqueezeExcite: Lowerable {
    /// Pooling, the two dense layers (the first with its ReLU fused), the hard-sigmoid gate and
    /// the channel-wise product.
    func lower(into graph: inout DeploymentGraph, input: Int, shape: [Int], followers: ArraySlice<Layer>) throws
        -> (tensor: Int, absorbed: Int) {
        let outShape = try outputShape(shape)
        let pooled = graph.emit(.mean, [input], shape: [channels], macs: shape.reduce(1, *), sources: [self])
        let hidden = graph.emit(.fullyConnected, [pooled], shape: [reduce.outFeatures], weights: reduce.weight.count,
                                biases: reduce.outFeatures, channels: reduce.outFeatures, macs: reduce.macs([channels]),
                                sources: [reduce], weighted: reduce, activation: .relu)
        let scale = graph.emit(.fullyConnected, [hidden], shape: [channels], weights: expand.weight.count,
                               biases: channels, channels: channels, macs: expand.macs([reduce.outFeatures]),
                               sources: [expand], weighted: expand)
        let gated = graph.emit(.hardSigmoid, [scale], shape: [channels], sources: [gate])
        return (graph.emit(.mul, [input, gated], shape: outShape, macs: outShape.reduce(1, *), sources: [self]), 0)
    }
}

extension Sequential: Lowerable {
    func lower(into graph: inout DeploymentGraph, input: Int, shape: [Int], followers: ArraySlice<Layer>) throws
        -> (tensor: Int, absorbed: Int) {
        (try graph.lower(layers, from: input, shape: shape).tensor, 0)
    }
}
