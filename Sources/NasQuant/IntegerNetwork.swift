import Foundation
import NasCore
import NasCost
import NasNN

/// int8 affine quantization of one tensor: real = scale * (q - zeroPoint), q in -128...127.
public struct QuantParams: Sendable, Equatable {
    public let scale: Float
    public let zeroPoint: Int32

    /// From a calibrated range, widened to include zero (so zero padding is exact).
    public init(min lo: Float, max hi: Float) {
        let lo = Swift.min(lo, 0), hi = Swift.max(hi, 0)
        let scale = hi > lo ? (hi - lo) / 255 : 1
        self.scale = scale
        zeroPoint = Swift.min(Swift.max(Int32(saturating: (-128 - lo / scale).rounded()), -128), 127)
    }

    /// Parameters given outright (tests use it for extreme zero points).
    init(scale: Float, zeroPoint: Int32) {
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    public func quantize(_ v: Float) -> Int8 {
        // Saturating: a NaN or infinite input (a CSV cell "nan") must not trap the conversion.
        Int8(Swift.min(Swift.max(Int32(saturating: (v / scale).rounded()) &+ zeroPoint, -128), 127))
    }

    public func dequantize(_ q: Int8) -> Float { scale * Float(Int32(q) - zeroPoint) }
}

/// A real multiplier as a Q31 integer and a power-of-two shift, as TFLite Micro's kernels use:
/// x * m is computed as (x * q31) >> (31 - shift) with rounding, in integers only.
public struct FixedPointMultiplier: Sendable, Equatable {
    public let q31: Int64
    public let shift: Int

    public init(_ real: Double) {
        // Zero, negative, NaN, or beyond what a Q31 multiplier with a sane shift can hold
        // (ranges calibrated on overflowing activations): no scaling, rather than a trap.
        guard real > 0, real < 0x1p30 else {
            q31 = 0
            shift = 0
            return
        }
        let exponent = Int(floor(log2(real))) + 1  // real = mantissa * 2^exponent, mantissa in [0.5, 1)
        var q = Int64((real / pow(2, Double(exponent)) * Double(1 << 31)).rounded())
        var e = exponent
        if q == 1 << 31 {
            q /= 2
            e += 1
        }
        q31 = q
        shift = e
    }

    /// round(x * real), rounding half away from zero, in 64-bit integer arithmetic.
    public func apply(_ x: Int64) -> Int64 {
        let product = x * q31
        let right = 31 - shift
        if right <= 0 { return product << -right }
        let half = Int64(1) << (right - 1)
        return product >= 0 ? (product + half) >> right : -((-product + half) >> right)
    }
}

/// The network in int8 with int32 accumulators and fixed-point requantization: the arithmetic a
/// microcontroller runs, so its accuracy is the accuracy the board would get.
public struct IntegerNetwork {
    public let folded: FoldedNetwork
    public let params: [QuantParams]
    /// Per weighted op: int8 weights, per-channel scales, int32 biases, per-channel multipliers.
    /// Public so that exporters (C sources, .tflite) emit exactly what this network computes.
    public let weights: [[Int8]?]
    public let weightScales: [[Float]?]
    public let biases: [[Int32]?]
    public let multipliers: [[FixedPointMultiplier]?]
    /// Per weighted op: the bit-width its weights were quantized to (values within
    /// ±(2^(bits-1) - 1)), so that exporters can store them packed at that width.
    public let weightBits: [BitWidth?]
    /// For element-wise nonlinear ops: the output for each of the 256 inputs.
    public let tables: [[Int8]?]

    /// How the float reference runs over the calibration samples: both find the same ranges
    /// bit for bit; `.reference` is the scalar Swift code the batched kernels are tested against.
    public enum CalibrationPath: Sendable { case batched, reference }

    /// Calibrates activation ranges on `samples` (float inputs, one per array) and quantizes
    /// weights per output channel to `bits`: one per weighted op (`graph.weightedOps`), as
    /// `PerLayer.fitted` gives them; nil: every weighted op at 8 bits.
    public init(_ folded: FoldedNetwork, calibration samples: [[Float]], bits: [BitWidth]? = nil, path: CalibrationPath = .batched) {
        self.folded = folded
        let graph = folded.graph
        let bits = bits ?? Array(repeating: .eight, count: graph.weightedOps.count)
        precondition(bits.count == graph.weightedOps.count, "one bit-width per weighted op (fit the list with PerLayer)")
        var lo = [Float](repeating: .infinity, count: graph.tensors.count)
        var hi = [Float](repeating: -.infinity, count: graph.tensors.count)
        switch path {
        case .batched:
            let ranges = folded.ranges(SampleBatch(samples, sampleSize: graph.tensors[graph.input].bytes))
            lo = ranges.map(\.lo)
            hi = ranges.map(\.hi)
        case .reference:
            for sample in samples {
                for (t, values) in folded.run(sample).enumerated() {
                    for v in values {
                        lo[t] = Swift.min(lo[t], v)
                        hi[t] = Swift.max(hi[t], v)
                    }
                }
            }
        }
        var params = graph.tensors.indices.map { QuantParams(min: lo[$0].isFinite ? lo[$0] : 0, max: hi[$0].isFinite ? hi[$0] : 0) }
        // Max pooling passes values through: its output shares its input's parameters.
        for op in graph.ops where op.kind == .maxPool && op.activation == .none { params[op.output] = params[op.inputs[0]] }
        self.params = params

        var weights: [[Int8]?] = [], scales: [[Float]?] = [], biases: [[Int32]?] = [], multipliers: [[FixedPointMultiplier]?] = []
        var weightBits: [BitWidth?] = []
        var tables: [[Int8]?] = []
        var weighted = 0
        for (index, op) in graph.ops.enumerated() {
            if let w = folded.weights[index] {
                let b = bits[weighted]
                weighted += 1
                weightBits.append(b)
                let (q, scale) = Self.quantize(w, bits: b)
                weights.append(q)
                scales.append(scale)
                let inScale = params[op.inputs[0]].scale, outScale = params[op.output].scale
                biases.append((0..<w.channels).map { Int32(saturating: (w.bias[$0] / (inScale * scale[$0])).rounded()) })
                multipliers.append(scale.map { FixedPointMultiplier(Double(inScale) * Double($0) / Double(outScale)) })
            } else {
                weights.append(nil)
                weightBits.append(nil)
                scales.append(nil)
                biases.append(nil)
                multipliers.append(nil)
            }
            switch op.kind {
            case .hardSwish, .hardSigmoid, .logistic:
                let input = params[op.inputs[0]], output = params[op.output]
                tables.append((0..<256).map { q in
                    let x = input.dequantize(Int8(q - 128))
                    let y = FoldedNetwork.execute(op, inputs: [[x]], shapes: [[1]], outShape: [1], weights: nil)[0]
                    return output.quantize(y)
                })
            default:
                tables.append(nil)
            }
        }
        self.weights = weights
        self.weightBits = weightBits
        weightScales = scales
        self.biases = biases
        self.multipliers = multipliers
        self.tables = tables
    }

    /// Every part given outright: tests build networks with extreme multipliers, biases and
    /// zero points this way, which calibration would never produce.
    init(folded: FoldedNetwork, params: [QuantParams], weights: [[Int8]?], weightScales: [[Float]?], biases: [[Int32]?],
         multipliers: [[FixedPointMultiplier]?], weightBits: [BitWidth?], tables: [[Int8]?]) {
        self.folded = folded
        self.params = params
        self.weights = weights
        self.weightScales = weightScales
        self.biases = biases
        self.multipliers = multipliers
        self.weightBits = weightBits
        self.tables = tables
    }

    /// A folded op's weights as int8 values within ±(2^(bits-1) - 1), per output channel scaled
    /// by max|w| / (2^(bits-1) - 1), and those scales. Needs no calibration: weights' int8 values
    /// (and so which are zero) depend on the weights and the bit-width alone.
    static func quantize(_ w: FoldedNetwork.Weights, bits: BitWidth) -> (weights: [Int8], scales: [Float]) {
        let levels = Float(bits.levels)
        var maxAbs = [Float](repeating: 0, count: w.channels)
        for (i, v) in w.values.enumerated() { maxAbs[i % w.channels] = Swift.max(maxAbs[i % w.channels], abs(v)) }
        let scale = maxAbs.map { $0 > 0 ? $0 / levels : 1 }
        return (w.values.enumerated().map { i, v in Int8(Swift.min(Swift.max((v / scale[i % w.channels]).rounded(), -levels), levels)) }, scale)
    }

    /// Per weighted op in graph order: how many of its int8 weights are not zero, what the cost
    /// model's `nonZeroWeights` takes so that flash and MACs count what the exporter stores.
    public var nonZeroWeights: [Int] {
        weights.compactMap { $0?.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }
    }

    /// The same counts for `folded` quantized at `bits` (per weighted op, missing entries 8),
    /// without calibrating activations: what `cost(...)` of a compressed model needs.
    public static func nonZeroWeights(_ folded: FoldedNetwork, bits: [BitWidth]) -> [Int] {
        folded.weights.compactMap { $0 }.enumerated().map { i, w in
            Self.quantize(w, bits: i < bits.count ? bits[i] : .eight).weights.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        }
    }

    public func quantizeInput(_ sample: [Float]) -> [Int8] {
        let p = params[folded.graph.input]
        return sample.map { p.quantize($0) }
    }

    /// Every tensor, int8, for one quantized input.
    public func run(_ input: [Int8]) -> [[Int8]] {
        let graph = folded.graph
        var values = [[Int8]](repeating: [], count: graph.tensors.count)
        values[graph.input] = input
        for (index, op) in graph.ops.enumerated() {
            values[op.output] = execute(index, inputs: op.inputs.map { values[$0] })
        }
        return values
    }

    /// The class an int8 inference picks for a float sample.
    public func classify(_ sample: [Float]) -> Int {
        let out = run(quantizeInput(sample))[folded.graph.output]
        return out.indices.max { out[$0] < out[$1] } ?? 0
    }

    /// Output clamp for the fused activation, in the output's quantized domain.
    public func bounds(_ op: DeploymentGraph.Op) -> (Int64, Int64) {
        let p = params[op.output]
        switch op.activation {
        case .none: return (-128, 127)
        case .relu: return (Int64(Swift.max(-128, p.zeroPoint)), 127)
        case .relu6: return (Int64(Swift.max(-128, p.zeroPoint)), Int64(Swift.min(127, Int32(saturating: (6 / p.scale).rounded()) &+ p.zeroPoint)))
        }
    }

    /// One op in integers only.
    func execute(_ index: Int, inputs: [[Int8]]) -> [Int8] {
        let graph = folded.graph, op = graph.ops[index]
        let outShape = graph.tensors[op.output].shape, n = outShape.reduce(1, *)
        let out = params[op.output], zo = Int64(out.zeroPoint)
        let (lo, hi) = bounds(op)
        func clamp(_ v: Int64) -> Int8 { Int8(Swift.min(Swift.max(v, lo), hi)) }
        switch op.operation {
        case .convolution(let window, _):
            let g = ConvolutionGeometry(window, input: graph.tensors[op.inputs[0]].shape, output: outShape)
            let zi = Int32(params[op.inputs[0]].zeroPoint), w = weights[index]!, b = biases[index]!, m = multipliers[index]!
            var acc = (0..<n).map { b[$0 % g.oc] }
            g.forEachTap { o, _, i, wi in acc[o] &+= (Int32(inputs[0][i]) - zi) * Int32(w[wi]) }
            return (0..<n).map { clamp(zo + m[$0 % g.oc].apply(Int64(acc[$0]))) }
        case .fullyConnected:
            let zi = Int32(params[op.inputs[0]].zeroPoint), w = weights[index]!, b = biases[index]!, m = multipliers[index]!
            let channels = b.count, f = inputs[0].count
            return (0..<channels).map { o in
                var acc = b[o]
                for i in 0..<f { acc &+= (Int32(inputs[0][i]) - zi) * Int32(w[i * channels + o]) }
                return clamp(zo + m[o].apply(Int64(acc)))
            }
        case .pool(let window, max: true):
            let windows = PoolWindows(window, input: graph.tensors[op.inputs[0]].shape, output: outShape)
            let rescale = FixedPointMultiplier(Double(params[op.inputs[0]].scale) / Double(out.scale))
            let zi = Int64(params[op.inputs[0]].zeroPoint)
            return (0..<n).map { o in
                let v = Int64(windows.taps(o).map { inputs[0][$0] }.max()!)
                return params[op.output] == params[op.inputs[0]] ? clamp(v) : clamp(zo + rescale.apply(v - zi))
            }
        case .pool(let window, max: false):
            let windows = PoolWindows(window, input: graph.tensors[op.inputs[0]].shape, output: outShape)
            let zi = Int64(params[op.inputs[0]].zeroPoint)
            return (0..<n).map { o in
                let taps = windows.taps(o)
                let m = FixedPointMultiplier(Double(params[op.inputs[0]].scale) / Double(out.scale) / Double(taps.count))
                return clamp(zo + m.apply(taps.reduce(0) { $0 + Int64(inputs[0][$1]) - zi }))
            }
        case .mean:
            let c = outShape[0], positions = inputs[0].count / c, zi = Int64(params[op.inputs[0]].zeroPoint)
            let m = FixedPointMultiplier(Double(params[op.inputs[0]].scale) / Double(out.scale) / Double(positions))
            return (0..<c).map { ch in
                var sum: Int64 = 0
                for p in 0..<positions { sum += Int64(inputs[0][p * c + ch]) - zi }
                return clamp(zo + m.apply(sum))
            }
        case .add:
            let a = params[op.inputs[0]], b = params[op.inputs[1]]
            let ma = FixedPointMultiplier(Double(a.scale) / Double(out.scale)), mb = FixedPointMultiplier(Double(b.scale) / Double(out.scale))
            return (0..<n).map { i in
                clamp(zo + ma.apply(Int64(inputs[0][i]) - Int64(a.zeroPoint)) + mb.apply(Int64(inputs[1][i]) - Int64(b.zeroPoint)))
            }
        case .mul:
            let a = params[op.inputs[0]], b = params[op.inputs[1]], c = inputs[1].count
            let m = FixedPointMultiplier(Double(a.scale) * Double(b.scale) / Double(out.scale))
            return (0..<n).map { i in
                clamp(zo + m.apply((Int64(inputs[0][i]) - Int64(a.zeroPoint)) * (Int64(inputs[1][i % c]) - Int64(b.zeroPoint))))
            }
        case .hardSwish, .hardSigmoid, .logistic:
            let table = tables[index]!
            return inputs[0].map { table[Int($0) + 128] }
        case .batchNorm:
            preconditionFailure("rejected when the network was folded")
        }
    }

    /// The same op in float on the same int8 inputs, rounded to the output's int8 grid: what a
    /// fake-quantized float model computes. The integer result must be within one step of it.
    public func simulate(_ index: Int, inputs: [[Int8]]) -> [Int8] {
        let graph = folded.graph, op = graph.ops[index]
        let realInputs = zip(op.inputs, inputs).map { t, q in q.map { params[t].dequantize($0) } }
        var w = folded.weights[index]
        if let scale = weightScales[index], let q = weights[index], let b = biases[index] {
            let inScale = params[op.inputs[0]].scale
            w?.values = q.enumerated().map { Float($1) * scale[$0 % scale.count] }
            w?.bias = b.enumerated().map { Float($1) * inScale * scale[$0] }
        }
        if let table = tables[index] { return inputs[0].map { table[Int($0) + 128] } }
        let real = FoldedNetwork.execute(op, inputs: realInputs, shapes: op.inputs.map { graph.tensors[$0].shape },
                                         outShape: graph.tensors[op.output].shape, weights: w)
        return real.map { params[op.output].quantize($0) }
    }
}

extension Int32 {
    /// The nearest Int32 to a rounded float: values past the range saturate and NaN becomes 0,
    /// where `Int32(_:)` would trap. A bias far beyond its accumulator's scale saturates as the
    /// board's int32 arithmetic would.
    init(saturating v: Float) {
        if v.isNaN { self = 0 } else if v >= 2_147_483_520 { self = .max } else if v <= -2_147_483_648 { self = .min } else { self = Int32(v) }
    }
}
