import CNasKernels
import NasCore
import NasNN

/// Per-layer compression choices: the fraction of each weighted layer's weights pruned and the
/// bit-width its weights are stored at, each one value for all or a list in layer order
/// (`Model.weightedLayers()`, the deployment graph's weighted ops), fitted by `PerLayer`'s rule.
public struct CompressionPlan: Sendable, Equatable {
    public var prune: PerLayer<Double>
    public var bits: PerLayer<BitWidth>

    public init(prune: PerLayer<Double>, bits: PerLayer<BitWidth>) {
        self.prune = prune
        self.bits = bits
    }
}

/// How many of `count` weights unstructured pruning at `rate` zeroes: `rate * count`, rounded.
/// The cost model's planned non-zero count is `count` minus this (quantization can only add zeros).
public func prunedCount(_ count: Int, rate: Double) -> Int {
    guard rate.isFinite else { return 0 }
    return min(count, max(0, Int((Double(count) * min(max(rate, 0), 1)).rounded())))
}

/// Unstructured magnitude pruning: a 0/1 mask keeping the largest-magnitude `1 - rate` of the
/// weights (ties broken by position, so the mask is deterministic).
public func magnitudeMask(_ weights: [Float], rate: Double) -> [Float] {
    let drop = prunedCount(weights.count, rate: rate)
    guard drop > 0 else { return .init(repeating: 1, count: weights.count) }
    let order = weights.indices.sorted { a, b in
        abs(weights[a]) != abs(weights[b]) ? abs(weights[a]) < abs(weights[b]) : a < b
    }
    var mask = [Float](repeating: 1, count: weights.count)
    for index in order.prefix(drop) { mask[index] = 0 }
    return mask
}

/// Symmetric per-output-channel quantization to `bits`, returned dequantized: the values the
/// integer kernels will multiply with, as floats. Scale = max|w| / (2^(bits-1) - 1), values round
/// half away from zero. Fine-tuning calls this for every layer on every step, so it runs in C
/// (CNasKernels' nas_fake_quant_weights, vectorized over the channel axis).
public func fakeQuantize(_ weights: [Float], channels: Int, bits: BitWidth) -> [Float] {
    guard !weights.isEmpty else { return [] }
    precondition(channels > 0 && weights.count % channels == 0, "weights must be rows of \(channels) channels")
    let levels = Float(bits.levels)
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
    /// The plan's bit-widths fitted to the model: one per weighted layer.
    public let bits: [BitWidth]
    let layers: [any WeightedLayer]
    let masks: [[Float]]
    private var shadows: [[Float]] = []

    /// Masks come from the model's current weights; pruned weights are zeroed now.
    public init(_ model: Model, plan: CompressionPlan) throws {
        let layers = try model.weightedLayers().map(\.layer)
        let prune: [Double]
        do {
            prune = try plan.prune.fitted(to: layers.count)
            bits = try plan.bits.fitted(to: layers.count)
        } catch {
            throw ShapeError("the compression plan \(error)")
        }
        guard prune.allSatisfy({ (0..<1).contains($0) }) else { throw ShapeError("prune rates must be in [0, 1)") }
        self.plan = plan
        self.layers = layers
        masks = zip(layers, prune).map { magnitudeMask($0.weight.value, rate: $1) }
        for (layer, mask) in zip(layers, masks) {
            layer.weight.value = zip(layer.weight.value, mask).map { $0 * $1 }
        }
    }

    public func constrain() {
        shadows = layers.map(\.weight.value)
        for (index, layer) in layers.enumerated() {
            layer.weight.value = fakeQuantize(layer.weight.value, channels: layer.outputChannels, bits: bits[index])
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
            layer.weight.value = fakeQuantize(layer.weight.value, channels: layer.outputChannels, bits: bits[index])
        }
    }

    /// Fraction of weights that are zero after pruning.
    public var sparsity: Double {
        let total = masks.reduce(0) { $0 + $1.count }
        let zeros = masks.reduce(0) { $0 + $1.filter { $0 == 0 }.count }
        return total == 0 ? 0 : Double(zeros) / Double(total)
    }
}
