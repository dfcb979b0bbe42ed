import CNasKernels
import NasNN

/// Per-layer compression choices: the fraction of each weighted layer's weights pruned and the
/// bit-width its weights are stored at. Layers are the weighted ops in deployment order
/// (convolutions and dense layers, residual bodies before shortcuts), as the cost model counts them.
public struct CompressionPlan: Sendable, Equatable {
    public var prune: [Double]
    public var bits: [Int]

    public init(prune: [Double], bits: [Int]) {
        self.prune = prune
        self.bits = bits
    }
}

/// The weighted layers of a model, in deployment order, with their output-channel count (the
/// last axis of every weight tensor: HWIO for convolutions, IO for dense layers).
public func weightedLayers(_ model: Model) -> [(weight: Parameter, channels: Int)] {
    var found: [(Parameter, Int)] = []
    func visit(_ layers: [Layer]) {
        for layer in layers {
            switch layer {
            case let conv as Conv2D: found.append((conv.weight, conv.outChannels))
            case let dense as Dense: found.append((dense.weight, dense.outFeatures))
            case let residual as Residual:
                visit(residual.body.layers)
                visit(residual.shortcut.layers)
            case let se as SqueezeExcite:
                found.append((se.reduce.weight, se.reduce.outFeatures))
                found.append((se.expand.weight, se.expand.outFeatures))
            case let sequence as Sequential: visit(sequence.layers)
            default: break
            }
        }
    }
    visit(model.network.layers)
    return found
}

/// Unstructured magnitude pruning: a 0/1 mask keeping the largest-magnitude `1 - rate` of the
/// weights (ties broken by position, so the mask is deterministic).
public func magnitudeMask(_ weights: [Float], rate: Double) -> [Float] {
    let drop = min(weights.count, max(0, Int((Double(weights.count) * rate).rounded())))
    guard drop > 0 else { return .init(repeating: 1, count: weights.count) }
    let order = weights.indices.sorted { a, b in
        abs(weights[a]) != abs(weights[b]) ? abs(weights[a]) < abs(weights[b]) : a < b
    }
    var mask = [Float](repeating: 1, count: weights.count)
    for index in order.prefix(drop) { mask[index] = 0 }
    return mask
}

/// Symmetric per-output-channel quantization to `bits` (2...8), returned dequantized: the
/// values the integer kernels will multiply with, as floats. Scale = max|w| / (2^(bits-1) - 1),
/// values round half away from zero. Fine-tuning calls this for every layer on every step, so
/// it runs in C (CNasKernels' nas_fake_quant_weights, vectorized over the channel axis).
public func fakeQuantize(_ weights: [Float], channels: Int, bits: Int) -> [Float] {
    precondition((2...8).contains(bits), "bit-width must be 2...8")
    guard !weights.isEmpty else { return [] }
    precondition(channels > 0 && weights.count % channels == 0, "weights must be rows of \(channels) channels")
    let levels = Float((1 << (bits - 1)) - 1)
    var scale = [Float](repeating: 0, count: channels)
    return [Float](unsafeUninitializedCapacity: weights.count) { out, initialized in
        weights.withUnsafeBufferPointer { w in
            scale.withUnsafeMutableBufferPointer { s in
                nas_fake_quant_weights(w.baseAddress!, weights.count / channels, Int32(channels), levels, s.baseAddress!,
                                       out.baseAddress!)
            }
        }
        initialized = weights.count
    }
}

/// Applies a plan while training: pruned weights are zero and stay zero (their gradients are
/// masked), and the forward pass sees the weights quantized (straight-through estimator).
public final class Compressor: WeightConstraint {
    public let plan: CompressionPlan
    let layers: [(weight: Parameter, channels: Int)]
    let masks: [[Float]]
    private var shadows: [[Float]] = []

    /// Masks come from the model's current weights; pruned weights are zeroed now.
    public init(_ model: Model, plan: CompressionPlan) throws {
        let layers = weightedLayers(model)
        guard plan.prune.count == layers.count, plan.bits.count == layers.count else {
            throw ShapeError("the plan has \(plan.prune.count) prune rates and \(plan.bits.count) bit-widths; the model has \(layers.count) weighted layers")
        }
        guard plan.prune.allSatisfy({ (0..<1).contains($0) }) else { throw ShapeError("prune rates must be in [0, 1)") }
        guard plan.bits.allSatisfy({ (2...8).contains($0) }) else { throw ShapeError("bit-widths must be 2...8") }
        self.plan = plan
        self.layers = layers
        masks = zip(layers, plan.prune).map { magnitudeMask($0.weight.value, rate: $1) }
        for (layer, mask) in zip(layers, masks) {
            layer.weight.value = zip(layer.weight.value, mask).map { $0 * $1 }
        }
    }

    public func constrain() {
        shadows = layers.map(\.weight.value)
        for (index, layer) in layers.enumerated() {
            layer.weight.value = fakeQuantize(layer.weight.value, channels: layer.channels, bits: plan.bits[index])
        }
    }

    public func release() {
        for (index, layer) in layers.enumerated() {
            layer.weight.value = shadows[index]
            let mask = masks[index]
            layer.weight.gradient.withUnsafeMutableBufferPointer { g in
                mask.withUnsafeBufferPointer { m in
                    for i in 0..<g.count { g[i] *= m[i] }
                }
            }
        }
        shadows = []
    }

    /// Leaves the model holding its compressed weights (pruned and quantized).
    public func finish() {
        for (index, layer) in layers.enumerated() {
            layer.weight.value = fakeQuantize(layer.weight.value, channels: layer.channels, bits: plan.bits[index])
        }
    }

    /// Fraction of weights that are zero after pruning.
    public var sparsity: Double {
        let total = masks.reduce(0) { $0 + $1.count }
        let zeros = masks.reduce(0) { $0 + $1.filter { $0 == 0 }.count }
        return total == 0 ? 0 : Double(zeros) / Double(total)
    }
}
