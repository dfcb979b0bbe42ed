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

    /// What an op computes, with what its kernel needs to know of its layer: a convolution's
    /// window and a pool's are read from the layer once, when it is lowered, so the float
    /// reference, the integer path, the cost model and the exporters switch over this enum and
    /// never cast the op's layer back to its type (a new layer type cannot reach them unlowered,
    /// and no forced cast can trap). `kind` names it.
    public enum Operation: Sendable, Equatable {
        /// A convolution (grouped or not); `depthwise` when every group is one channel.
        case convolution(ConvolutionWindow, depthwise: Bool)
        case fullyConnected
        /// A max or average pool over `PoolWindow`.
        case pool(PoolWindow, max: Bool)
        case mean, add, mul, hardSwish, logistic, hardSigmoid, batchNorm

        public var kind: OpKind {
            switch self {
            case .convolution(_, let depthwise): return depthwise ? .depthwiseConv : .conv
            case .fullyConnected: return .fullyConnected
            case .pool(_, let max): return max ? .maxPool : .avgPool
            case .mean: return .mean
            case .add: return .add
            case .mul: return .mul
            case .hardSwish: return .hardSwish
            case .logistic: return .logistic
            case .hardSigmoid: return .hardSigmoid
            case .batchNorm: return .batchNorm
            }
        }
    }

    /// The window a convolution slides over its input (NHWC; sequences as height 1).
    public struct ConvolutionWindow: Sendable, Equatable {
        public let kernelHeight, kernelWidth, stride, paddingHeight, paddingWidth, groups: Int
        /// Channels of the input; each group sees `inputChannels / groups` of them.
        public let inputChannels: Int

        public init(kernelHeight: Int, kernelWidth: Int, stride: Int, paddingHeight: Int, paddingWidth: Int, groups: Int,
                    inputChannels: Int) {
            (self.kernelHeight, self.kernelWidth, self.stride) = (kernelHeight, kernelWidth, stride)
            (self.paddingHeight, self.paddingWidth, self.groups, self.inputChannels) = (paddingHeight, paddingWidth, groups, inputChannels)
        }

        /// Taps of one output position per input channel of its group.
        public var taps: Int { kernelHeight * kernelWidth }
    }

    /// The window a pool takes its maximum or mean over: `size` by `size` (by 1 for sequences)
    /// every `stride` positions.
    public struct PoolWindow: Sendable, Equatable {
        public let size, stride: Int
        public let oneDimensional: Bool

        public init(size: Int, stride: Int, oneDimensional: Bool) {
            (self.size, self.stride, self.oneDimensional) = (size, stride, oneDimensional)
        }

        /// The window's height and the step between rows: 1 and 1 for sequences.
        public var rows: (size: Int, stride: Int) { oneDimensional ? (1, 1) : (size, stride) }
    }

    /// An activation the runtime applies while requantizing an op's output.
    public enum FusedActivation: Sendable, Equatable { case none, relu, relu6 }

    public struct Op {
        public let operation: Operation
        public var kind: OpKind { operation.kind }
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

    mutating func newTensor(_ shape: [Int]) -> Int {
        tensors.append(TensorInfo(shape: shape))
        return tensors.count - 1
    }

    /// Appends an op writing a new tensor of `shape`; returns that tensor.
    mutating func emit(_ operation: Operation, _ inputs: [Int], shape: [Int], weights: Int = 0, biases: Int = 0,
                       channels: Int = 0, macs: Int = 0, scratch: Int = 0, sources: [Layer] = [],
                       weighted: (any WeightedLayer)? = nil, folded: (any FoldableNormalization)? = nil,
                       activation: FusedActivation = .none) -> Int {
        let out = newTensor(shape)
        let elements = inputs.reduce(0) { $0 + tensors[$1].bytes } + shape.reduce(1, *)
        ops.append(Op(operation: operation, inputs: inputs, output: out, weights: weights, biases: biases, outputChannels: channels,
                      macs: macs, scratchBytes: scratch, elements: elements, sources: sources, weighted: weighted,
                      folded: folded, activation: activation))
        return out
    }

    /// Fuses `activation` into the op that wrote `tensor`, when that is the last op and has
    /// none yet; false otherwise.
    mutating func fuse(_ activation: FusedActivation, intoOpWriting tensor: Int) -> Bool {
        guard let last = ops.indices.last, ops[last].output == tensor, ops[last].activation == .none else { return false }
        ops[last].activation = activation
        return true
    }

    /// Lowers layers in order, each through its `Lowerable` conformance (which may absorb the
    /// layers after it); returns the last tensor and its shape.
    mutating func lower(_ layers: [Layer], from start: Int, shape start0: [Int]) throws -> (tensor: Int, shape: [Int]) {
        var tensor = start, shape = start0
        var index = 0
        while index < layers.count {
            guard let layer = layers[index] as? any Lowerable else {
                throw ShapeError("no deployment lowering for layer \(layers[index].kind)")
            }
            let lowered = try layer.lower(into: &self, input: tensor, shape: shape, followers: layers[(index + 1)...])
            let consumed = 1 + lowered.absorbed
            // Folded/fused followers produce the shape of the last one absorbed.
            shape = try layers[index..<(index + consumed)].reduce(shape) { try $1.outputShape($0) }
            tensor = lowered.tensor
            index += consumed
        }
        return (tensor, shape)
    }
}
