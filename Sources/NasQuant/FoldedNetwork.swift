import Foundation
import NasCost
import NasNN

/// The deployment graph with real weights: batch norm folded into the preceding weighted op,
/// executed one sample at a time in float. It is the reference the integer path is calibrated
/// on and compared with.
public struct FoldedNetwork {
    public struct Weights {
        /// Same layout as the source layer (HWIO for convolutions, IO for dense), folded.
        public var values: [Float]
        public var bias: [Float]
        public let channels: Int
    }

    public let graph: DeploymentGraph
    public let weights: [Weights?]

    public init(_ model: Model) throws {
        let graph = try DeploymentGraph(model)
        self.graph = graph
        weights = try graph.ops.map { op in
            switch op.kind {
            case .conv, .depthwiseConv, .fullyConnected:
                guard let layer = op.weighted else { throw ShapeError("\(op.kind.rawValue) op without a weighted layer") }
                let channels = layer.outputChannels
                var values = layer.weight.value
                var bias = layer.biasParameter?.value ?? .init(repeating: 0, count: channels)
                op.folded?.fold(weights: &values, bias: &bias)
                // A diverged training (lr: 1e30) leaves NaN or infinite weights; no integer
                // network can represent them, and converting them to int8 would trap.
                guard values.allSatisfy(\.isFinite), bias.allSatisfy(\.isFinite) else {
                    throw ShapeError("the weights of \(op.sources[0].kind) are not finite numbers (did the training diverge? "
                                     + "its record's `failed` says so); train again with a lower lr")
                }
                return Weights(values: values, bias: bias, channels: channels)
            case .batchNorm:
                throw ShapeError("a batch norm that does not follow a convolution or dense layer is not supported by the integer path")
            default:
                return nil
            }
        }
    }

    /// Every tensor's values for one input sample, in graph order.
    public func run(_ input: [Float]) -> [[Float]] {
        var values = [[Float]](repeating: [], count: graph.tensors.count)
        values[graph.input] = input
        for (index, op) in graph.ops.enumerated() {
            values[op.output] = Self.execute(op, inputs: op.inputs.map { values[$0] }, shapes: op.inputs.map { graph.tensors[$0].shape },
                                             outShape: graph.tensors[op.output].shape, weights: weights[index])
        }
        return values
    }

    static func activate(_ v: Float, _ a: DeploymentGraph.FusedActivation) -> Float {
        switch a {
        case .none: return v
        case .relu: return max(v, 0)
        case .relu6: return min(max(v, 0), 6)
        }
    }

    /// One op in float on one sample.
    static func execute(_ op: DeploymentGraph.Op, inputs: [[Float]], shapes: [[Int]], outShape: [Int], weights: Weights?) -> [Float] {
        let n = outShape.reduce(1, *)
        switch op.operation {
        case .convolution(let window, _):
            let w = weights!
            let g = ConvolutionGeometry(window, input: shapes[0], output: outShape)
            var out = [Float](repeating: 0, count: n)
            g.forEachTap { o, oc, inputIndex, weightIndex in out[o] += inputs[0][inputIndex] * w.values[weightIndex] }
            for i in 0..<n { out[i] = activate(out[i] + w.bias[i % w.channels], op.activation) }
            return out
        case .fullyConnected:
            let w = weights!, f = inputs[0].count
            return (0..<w.channels).map { o in
                var sum = w.bias[o]
                for i in 0..<f { sum += inputs[0][i] * w.values[i * w.channels + o] }
                return activate(sum, op.activation)
            }
        case .pool(let window, _):
            let windows = PoolWindows(window, input: shapes[0], output: outShape)
            return (0..<n).map { o in
                let taps = windows.taps(o)
                let v = op.kind == .maxPool ? taps.map { inputs[0][$0] }.max()! : taps.reduce(0) { $0 + inputs[0][$1] } / Float(taps.count)
                return activate(v, op.activation)
            }
        case .mean:
            let c = outShape[0], positions = inputs[0].count / c
            return (0..<c).map { ch in
                var sum: Float = 0
                for p in 0..<positions { sum += inputs[0][p * c + ch] }
                return activate(sum / Float(positions), op.activation)
            }
        case .add:
            return (0..<n).map { activate(inputs[0][$0] + inputs[1][$0], op.activation) }
        case .mul:
            let c = inputs[1].count
            return (0..<n).map { activate(inputs[0][$0] * inputs[1][$0 % c], op.activation) }
        case .hardSwish:
            return inputs[0].map { $0 * min(max($0 + 3, 0), 6) / 6 }
        case .hardSigmoid:
            return inputs[0].map { min(max($0 + 3, 0), 6) / 6 }
        case .logistic:
            return inputs[0].map { 1 / (1 + exp(-$0)) }
        case .batchNorm:
            preconditionFailure("rejected when the network was folded")
        }
    }
}

/// Index arithmetic of a convolution on one sample (NHWC; sequences as height 1). Public so the
/// exporters lay weights and loops out with the same geometry the integer network runs.
public struct ConvolutionGeometry {
    public let h, w, c, oh, ow, oc, kh, kw, stride, ph, pw, groups: Int

    public init(_ window: DeploymentGraph.ConvolutionWindow, input: [Int], output: [Int]) {
        (h, w, c) = input.count == 3 ? (input[0], input[1], input[2]) : (1, input[0], input[1])
        (oh, ow, oc) = output.count == 3 ? (output[0], output[1], output[2]) : (1, output[0], output[1])
        (kh, kw) = (window.kernelHeight, window.kernelWidth)
        stride = window.stride
        (ph, pw) = (window.paddingHeight, window.paddingWidth)
        groups = window.groups
    }

    /// Calls body(outputIndex, outputChannel, inputIndex, weightIndex) for every multiply.
    func forEachTap(_ body: (Int, Int, Int, Int) -> Void) {
        let gc = c / groups, goc = oc / groups
        for oy in 0..<oh {
            for ox in 0..<ow {
                for o in 0..<oc {
                    let g = o / goc, out = (oy * ow + ox) * oc + o
                    for ky in 0..<kh {
                        let iy = oy * stride - ph + ky
                        if iy < 0 || iy >= h { continue }
                        for kx in 0..<kw {
                            let ix = ox * stride - pw + kx
                            if ix < 0 || ix >= w { continue }
                            for i in 0..<gc {
                                body(out, o, (iy * w + ix) * c + g * gc + i, ((ky * kw + kx) * gc + i) * oc + o)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Input indices of each pooling window on one sample.
struct PoolWindows {
    let w, c, ow, size, stride, strideY, windowH: Int

    init(_ pool: DeploymentGraph.PoolWindow, input: [Int], output: [Int]) {
        (w, c) = input.count == 3 ? (input[1], input[2]) : (input[0], input[1])
        ow = output.count == 3 ? output[1] : output[0]
        size = pool.size
        stride = pool.stride
        (windowH, strideY) = pool.rows
    }

    func taps(_ o: Int) -> [Int] {
        let ch = o % c, position = o / c, oy = position / ow, ox = position % ow
        var result: [Int] = []
        for ky in 0..<windowH {
            for kx in 0..<size { result.append(((oy * strideY + ky) * w + ox * stride + kx) * c + ch) }
        }
        return result
    }
}
