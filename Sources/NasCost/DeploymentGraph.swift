import NasNN

/// A trained network as a microcontroller runtime executes it (TFLite Micro, CMSIS-NN style):
/// batch norm folded into the preceding convolution or dense layer, ReLU/ReLU6 fused into it,
/// dropout gone, flatten an alias, residual adds and squeeze-excite products as their own ops.
/// Tensors are int8 activations, so a tensor's size in bytes is its element count.
public struct DeploymentGraph {
    public enum OpKind: String, Sendable {
        case conv, depthwiseConv = "depthwise_conv", fullyConnected = "fully_connected"
        case maxPool = "max_pool", avgPool = "avg_pool", mean, add, mul
        case hardSwish = "hard_swish", logistic, hardSigmoid = "hard_sigmoid", batchNorm = "batch_norm"
    }

    /// An activation the runtime applies while requantizing an op's output.
    public enum FusedActivation: Sendable, Equatable { case none, relu, relu6 }

    public struct Op {
        public let kind: OpKind
        public let inputs: [Int]
        public let output: Int
        /// Weights (excluding biases) and biases after folding.
        public let weights: Int
        public let biases: Int
        /// Output channels: one quantization multiplier/shift each for weighted ops.
        public let outputChannels: Int
        public let macs: Int
        /// Bytes of scratch the kernel needs while it runs (CMSIS-NN's int16 im2col buffers).
        public let scratchBytes: Int
        /// Elements the op reads and writes, for element-bound kernels' cost.
        public let elements: Int
        /// The layers this op executes: the weighted or pooling layer first, then any batch norm
        /// folded into it; for a squeeze-excite's parts, its dense layer.
        public let sources: [Layer]
        /// The layer whose weights this op stores: set exactly for conv, depthwise conv and
        /// fully connected ops, one per `Model.weightedLayers()` entry, in that order.
        public let weighted: (any WeightedLayer)?
        /// The batch norm folded into this op's weights and bias, if any.
        public let folded: (any FoldableNormalization)?
        public internal(set) var activation: FusedActivation
    }

    public struct TensorInfo: Sendable, Equatable {
        public let shape: [Int]
        public var bytes: Int { shape.reduce(1, *) }
    }

    public private(set) var ops: [Op] = []
    /// The ops that store weights, in order: one per `Model.weightedLayers()` entry, so the
    /// k-th entry of a per-layer list (bit-widths, prune rates) is the k-th of these.
    public var weightedOps: [Op] { ops.filter { $0.weighted != nil } }
    public private(set) var tensors: [TensorInfo] = []
    public private(set) var input = 0
    public private(set) var output = 0

    public init(_ model: Model) throws {
        input = newTensor(model.inputShape)
        output = try lower(model.network.layers, from: input, shape: model.inputShape).tensor
    }

    private mutating func newTensor(_ shape: [Int]) -> Int {
        tensors.append(TensorInfo(shape: shape))
        return tensors.count - 1
    }

    private mutating func emit(_ kind: OpKind, _ inputs: [Int], shape: [Int], weights: Int = 0, biases: Int = 0,
                               channels: Int = 0, macs: Int = 0, scratch: Int = 0, sources: [Layer] = [],
                               weighted: (any WeightedLayer)? = nil, folded: (any FoldableNormalization)? = nil,
                               activation: FusedActivation = .none) -> Int {
        let out = newTensor(shape)
        let elements = inputs.reduce(0) { $0 + tensors[$1].bytes } + shape.reduce(1, *)
        ops.append(Op(kind: kind, inputs: inputs, output: out, weights: weights, biases: biases, outputChannels: channels,
                      macs: macs, scratchBytes: scratch, elements: elements, sources: sources, weighted: weighted,
                      folded: folded, activation: activation))
        return out
    }

    private static func fused(_ layer: Layer?) -> FusedActivation {
        guard let a = layer as? Activation else { return .none }
        return a.function == .relu ? .relu : a.function == .relu6 ? .relu6 : .none
    }

    /// Lowers layers in order; returns the last tensor and its shape.
    private mutating func lower(_ layers: [Layer], from start: Int, shape start0: [Int]) throws -> (tensor: Int, shape: [Int]) {
        var tensor = start, shape = start0
        var index = 0
        while index < layers.count {
            let layer = layers[index]
            let outShape = try layer.outputShape(shape)
            // Batch norm right after a weighted op folds into it; ReLU/ReLU6 after that fuses.
            var consumed = 1
            var sources: [Layer] = [layer]
            var activation = FusedActivation.none
            var folded: (any FoldableNormalization)?
            func absorbFollowers(biasFromBN: inout Bool) {
                if index + consumed < layers.count, let norm = layers[index + consumed] as? any FoldableNormalization {
                    sources.append(norm)
                    folded = norm
                    consumed += 1
                    biasFromBN = true
                }
                if index + consumed < layers.count, Self.fused(layers[index + consumed]) != .none {
                    activation = Self.fused(layers[index + consumed])
                    consumed += 1
                }
            }
            switch layer {
            case let conv as Conv2D:
                var bias = conv.bias != nil
                absorbFollowers(biasFromBN: &bias)
                let depthwise = conv.groups == conv.inChannels && conv.groups > 1
                let k = conv.kernel.height * conv.kernel.width
                let pointwise = k == 1 && conv.stride == 1
                let scratch = pointwise ? 0 : 2 * (depthwise ? conv.inChannels : conv.inChannels / conv.groups) * k * (depthwise ? 1 : 2)
                tensor = emit(depthwise ? .depthwiseConv : .conv, [tensor], shape: outShape, weights: conv.weight.count,
                              biases: bias ? conv.outChannels : 0, channels: conv.outChannels, macs: conv.macs(shape),
                              scratch: scratch, sources: sources, weighted: conv, folded: folded, activation: activation)
            case let dense as Dense:
                var bias = true
                absorbFollowers(biasFromBN: &bias)
                tensor = emit(.fullyConnected, [tensor], shape: outShape, weights: dense.weight.count, biases: dense.outFeatures,
                              channels: dense.outFeatures, macs: dense.macs(shape), sources: sources, weighted: dense,
                              folded: folded, activation: activation)
            case let bn as BatchNorm:
                tensor = emit(.batchNorm, [tensor], shape: outShape, weights: bn.channels, biases: bn.channels,
                              channels: bn.channels, macs: outShape.reduce(1, *), sources: [bn])
            case let activation as Activation:
                let kind: OpKind? = switch activation.function {
                case .relu, .relu6: nil  // a standalone ReLU fuses into the producing op's requantization
                case .hardSwish: .hardSwish
                case .sigmoid: .logistic
                case .hardSigmoid: .hardSigmoid
                }
                if let kind {
                    tensor = emit(kind, [tensor], shape: outShape, sources: [activation])
                } else if let last = ops.indices.last, ops[last].output == tensor, ops[last].activation == .none {
                    ops[last].activation = Self.fused(activation)
                } else {
                    throw ShapeError("a \(activation.kind) that does not follow an op cannot be fused")
                }
            case let pool as Pool:
                tensor = emit(pool.mode == .max ? .maxPool : .avgPool, [tensor], shape: outShape, macs: pool.macs(shape),
                              sources: [pool])
            case is GlobalAvgPool:
                tensor = emit(.mean, [tensor], shape: outShape, macs: shape.reduce(1, *), sources: [layer])
            case is Flatten, is Dropout:
                break  // an alias of its input at inference
            case let residual as Residual:
                let body = try lower(residual.body.layers, from: tensor, shape: shape)
                let side = try lower(residual.shortcut.layers, from: tensor, shape: shape)
                tensor = emit(.add, [body.tensor, side.tensor], shape: outShape, macs: outShape.reduce(1, *), sources: [residual])
            case let se as SqueezeExcite:
                let pooled = emit(.mean, [tensor], shape: [se.channels], macs: shape.reduce(1, *), sources: [se])
                let hidden = emit(.fullyConnected, [pooled], shape: [se.reduce.outFeatures], weights: se.reduce.weight.count,
                                  biases: se.reduce.outFeatures, channels: se.reduce.outFeatures, macs: se.reduce.macs([se.channels]),
                                  sources: [se.reduce], weighted: se.reduce, activation: .relu)
                let scale = emit(.fullyConnected, [hidden], shape: [se.channels], weights: se.expand.weight.count,
                                 biases: se.channels, channels: se.channels, macs: se.expand.macs([se.reduce.outFeatures]),
                                 sources: [se.expand], weighted: se.expand)
                let gate = emit(.hardSigmoid, [scale], shape: [se.channels], sources: [se.gate])
                tensor = emit(.mul, [tensor, gate], shape: outShape, macs: outShape.reduce(1, *), sources: [se])
            case let sequence as Sequential:
                tensor = try lower(sequence.layers, from: tensor, shape: shape).tensor
            default:
                throw ShapeError("no deployment lowering for layer \(layer.kind)")
            }
            if consumed > 1 {
                // Folded/fused followers produce the shape of the last one absorbed.
                shape = try layers[index..<(index + consumed)].reduce(shape) { try $1.outputShape($0) }
            } else {
                shape = outShape
            }
            index += consumed
        }
        return (tensor, shape)
    }
}
