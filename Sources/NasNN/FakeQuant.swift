import CNasKernels

/// Simulated int8 activations for quantization-aware training: values are rounded to the 256
/// levels the integer path will use (range tracked as a moving average of batch minima and
/// maxima, always including zero), and gradients pass straight through inside the range.
public final class FakeQuant: Layer {
    public let kind = "FakeQuant"
    public let momentum: Float
    public private(set) var low: Float = 0
    public private(set) var high: Float = 0
    private var initialized = false
    public var needsInputGradient = true
    /// The last training forward's input and the interval of inputs its grid kept unclamped:
    /// backward recomputes which values fell inside from them (one pass less than writing a mask
    /// in forward and reading it back), with two comparisons instead of the grid's division.
    private var input: Tensor?
    private var inside: (lo: Float, hi: Float) = (0, 0)

    public init(momentum: Float = 0.05) {
        self.momentum = momentum
    }

    public func outputShape(_ input: [Int]) throws -> [Int] { input }

    /// Scale and zero point as the integer path defines them (QuantParams).
    private var grid: (scale: Float, zeroPoint: Float) {
        let lo = min(low, 0), hi = max(high, 0)
        let scale = hi > lo ? (hi - lo) / 255 : 1
        return (scale, min(max((-128 - lo / scale).rounded(), -128), 127))
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        input = nil
        guard x.count > 0 else { return x }
        if training {
            let (lo, hi) = range(of: x)
            if initialized {
                low += momentum * (lo - low)
                high += momentum * (hi - high)
            } else {
                (low, high) = (lo, hi)
                initialized = true
            }
        }
        guard initialized else { return x }
        let (scale, zero) = grid
        var y = Tensor(uninitialized: x.shape)
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                let src = xp.baseAddress!, out = yp.baseAddress!
                Parallel.chunks(x.count, work: x.count) { range, _ in
                    nas_fake_quant(src + range.lowerBound, out + range.lowerBound, range.count, scale, zero)
                }
            }
        }
        if training {
            input = x
            var lo: Float = 0, hi: Float = 0
            nas_fake_quant_range(scale, zero, &lo, &hi)
            inside = (lo, hi)
        }
        return y
    }

    /// The smallest and largest value of `x` (chunk by chunk; min and max are exact in any order).
    private func range(of x: Tensor) -> (Float, Float) {
        let chunks = Parallel.chunkCount(x.count)
        var lows = [Float](repeating: 0, count: chunks), highs = [Float](repeating: 0, count: chunks)
        x.data.withUnsafeBufferPointer { xp in
            lows.withUnsafeMutableBufferPointer { lp in
                highs.withUnsafeMutableBufferPointer { hp in
                    let src = xp.baseAddress!, l = lp.baseAddress!, h = hp.baseAddress!
                    Parallel.chunks(x.count, work: x.count) { range, chunk in
                        nas_min_max(src + range.lowerBound, range.count, l + chunk, h + chunk)
                    }
                }
            }
        }
        return (lows.min()!, highs.max()!)
    }

    /// The inputs the last training forward kept inside its grid (nil without one), for a
    /// layer that applies this layer's backward mask in its own pass (`StraightThroughFusing`),
    /// so this layer's backward is not called: what it kept for it is let go here.
    func takeStraightThroughRange() -> ClosedRange<Float>? {
        defer { input = nil }
        return input == nil ? nil : inside.lo ... inside.hi
    }

    /// dx = dy where the input was inside the quantization range, 0 outside (dy times the 0/1
    /// mask, so signs of zero come out as a multiplication gives them).
    public func backward(_ dy: Tensor) -> Tensor {
        defer { input = nil }
        guard let x = input else { return dy }
        let (lo, hi) = inside
        var dx = Tensor(uninitialized: dy.shape)
        dy.data.withUnsafeBufferPointer { gp in
            x.data.withUnsafeBufferPointer { xp in
                dx.data.withUnsafeMutableBufferPointer { dp in
                    let g = gp.baseAddress!, src = xp.baseAddress!, out = dp.baseAddress!
                    Parallel.chunks(dp.count, work: dp.count) { range, _ in
                        nas_fake_quant_gradient(src + range.lowerBound, g + range.lowerBound, out + range.lowerBound,
                                                range.count, lo, hi)
                    }
                }
            }
        }
        return dx
    }
}
