import CNasKernels

/// Max or average pooling over [N, H, W, C] (or [N, T, C] along time), no padding.
public final class Pool: Layer {
    public enum Mode: String, Sendable { case max = "MaxPool", average = "AvgPool" }

    public let mode: Mode
    public let size: Int
    public let stride: Int
    public let oneDimensional: Bool
    public var kind: String { mode.rawValue + (oneDimensional ? "1D" : "2D") }
    public var needsInputGradient = true
    private var inputShape: [Int] = []
    private var argmax: [Int32] = []
    /// A training max pool's output, for the clamp mask its backward may apply.
    private var pooled: Tensor?

    public init(_ mode: Mode, size: Int = 2, stride: Int? = nil, oneDimensional: Bool = false) {
        self.mode = mode
        self.size = size
        self.stride = stride ?? size
        self.oneDimensional = oneDimensional
    }

    private var window: (height: Int, width: Int) { (oneDimensional ? 1 : size, size) }

    func outputSpatial(_ s: Spatial) -> Spatial {
        Spatial(height: oneDimensional ? s.height : (s.height - size) / stride + 1,
                width: (s.width - size) / stride + 1, channels: s.channels)
    }

    public func outputShape(_ input: [Int]) throws -> [Int] {
        let s = try Spatial(input)
        guard s.height >= window.height, s.width >= window.width else {
            throw ShapeError("\(kind) of size \(size) does not fit input \(input)")
        }
        let o = outputSpatial(s)
        return o.shape(like: input)
    }

    public func macs(_ input: [Int]) -> Int {
        guard let s = try? Spatial(input) else { return 0 }
        return mode == .average ? outputSpatial(s).positions * s.channels * window.height * window.width : 0
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let sample = Array(x.shape.dropFirst())
        let s = try! Spatial(sample), o = outputSpatial(s), c = s.channels
        var y = Tensor(uninitialized: [x.batch] + o.shape(like: sample))
        let strideY = oneDimensional ? 1 : stride
        let (wh, ww) = window
        let keepArgmax = training && mode == .max
        let outputCount = y.count
        var arg = [Int32](repeating: 0, count: keepArgmax ? outputCount : 0)
        let isMax = mode == .max, inverse = 1 / Float(wh * ww)
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                arg.withUnsafeMutableBufferPointer { ap in
                    let xb = xp.baseAddress!, yb = yp.baseAddress!, ab = keepArgmax ? ap.baseAddress : nil
                    Parallel.chunks(x.batch, work: outputCount * wh * ww) { range, _ in
                        for n in range {
                            let xs = xb + n * s.positions * c, ys = yb + n * o.positions * c
                            if isMax {
                                nas_maxpool_forward(xs, Int32(s.width), Int32(c), Int32(wh), Int32(ww), Int32(strideY),
                                                    Int32(stride), Int32(o.height), Int32(o.width), ys,
                                                    ab.map { $0 + n * o.positions * c })
                                continue
                            }
                            for oy in 0..<o.height {
                                for ox in 0..<o.width {
                                    // Channels innermost: contiguous in NHWC, so the loops vectorize.
                                    let out = ys + (oy * o.width + ox) * c
                                    out.update(repeating: 0, count: c)
                                    for ky in 0..<wh {
                                        for kx in 0..<ww {
                                            let src = xs + ((oy * strideY + ky) * s.width + ox * stride + kx) * c
                                            for ch in 0..<c { out[ch] += src[ch] }
                                        }
                                    }
                                    for ch in 0..<c { out[ch] *= inverse }
                                }
                            }
                        }
                    }
                }
            }
        }
        if training {
            inputShape = x.shape
            argmax = arg
        }
        pooled = keepArgmax ? y : nil
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor { backward(dy, clamp: nil) }

    /// Whether the last forward was a training max pool, whose backward can apply a clamp mask.
    var canApplyClampMask: Bool { mode == .max && pooled != nil }

    /// `backward(dy)`, with the gradient mask of a clamp fused into the layer before applied at
    /// the argmax positions, from the pooled values (the maxima): bit for bit what that layer's
    /// own mask pass over the whole gradient (`clampGradient`) would make of this one.
    func backward(_ dy: Tensor, clamp: ClosedRange<Float>?) -> Tensor {
        let sample = Array(inputShape.dropFirst())
        let s = try! Spatial(sample), o = outputSpatial(s), c = s.channels
        var dx = Tensor(zeros: inputShape)
        let strideY = oneDimensional ? 1 : stride
        let (wh, ww) = window
        let isMax = mode == .max, inverse = 1 / Float(wh * ww)
        let maxima = clamp == nil ? [] : pooled?.data ?? []
        pooled = nil
        maxima.withUnsafeBufferPointer { mp in
        dy.data.withUnsafeBufferPointer { dp in
            dx.data.withUnsafeMutableBufferPointer { xp in
                argmax.withUnsafeBufferPointer { ap in
                    let db = dp.baseAddress!, xb = xp.baseAddress!, ab = ap.baseAddress
                    let masked = clamp == nil ? nil : mp.baseAddress
                    Parallel.chunks(inputShape[0], work: dy.count * wh * ww) { range, _ in
                        for n in range {
                            let xs = xb + n * s.positions * c
                            if isMax {
                                let first = n * o.positions * c
                                if let clamp, let maxima = masked {
                                    nas_maxpool_backward_masked(db + first, ab! + first, o.positions * c, maxima + first,
                                                                clamp.lowerBound, clamp.upperBound, xs)
                                } else {
                                    nas_maxpool_backward(db + first, ab! + first, o.positions * c, xs)
                                }
                                continue
                            }
                            for oy in 0..<o.height {
                                for ox in 0..<o.width {
                                    let outIndex = ((n * o.height + oy) * o.width + ox) * c
                                    let g = db + outIndex
                                    for ky in 0..<wh {
                                        for kx in 0..<ww {
                                            let d = xs + ((oy * strideY + ky) * s.width + ox * stride + kx) * c
                                            for ch in 0..<c { d[ch] += g[ch] * inverse }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        }
        argmax = []
        return dx
    }
}

/// Mean over all positions: [N, H, W, C] or [N, T, C] to [N, C].
public final class GlobalAvgPool: Layer {
    public let kind = "GlobalAvgPool"
    public var needsInputGradient = true
    private var inputShape: [Int] = []

    public init() {}

    public func outputShape(_ input: [Int]) throws -> [Int] {
        [try Spatial(input).channels]
    }

    public func macs(_ input: [Int]) -> Int { input.reduce(1, *) }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let c = x.shape.last!, positions = x.sampleSize / c
        var y = Tensor(zeros: [x.batch, c])
        let inverse = 1 / Float(positions)
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                for n in 0..<x.batch {
                    let out = yp.baseAddress! + n * c
                    for p in 0..<positions {
                        let row = xp.baseAddress! + (n * positions + p) * c
                        for ch in 0..<c { out[ch] += row[ch] }
                    }
                    for ch in 0..<c { out[ch] *= inverse }
                }
            }
        }
        if training { inputShape = x.shape }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        var dx = Tensor(zeros: inputShape)
        let c = inputShape.last!, positions = dx.sampleSize / c
        let inverse = 1 / Float(positions)
        dy.data.withUnsafeBufferPointer { dp in
            dx.data.withUnsafeMutableBufferPointer { xp in
                for n in 0..<inputShape[0] {
                    let g = dp.baseAddress! + n * c
                    for p in 0..<positions {
                        let row = xp.baseAddress! + (n * positions + p) * c
                        for ch in 0..<c { row[ch] = g[ch] * inverse }
                    }
                }
            }
        }
        return dx
    }
}
