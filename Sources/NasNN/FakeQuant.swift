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
    private var mask: [Float] = []

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
        if training, let lo = x.data.min(), let hi = x.data.max() {
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
        var y = x
        if training { mask = [Float](repeating: 1, count: x.count) }
        for i in 0..<y.count {
            let q = (x.data[i] / scale).rounded() + zero
            if training, q < -128 || q > 127 { mask[i] = 0 }
            y.data[i] = (min(max(q, -128), 127) - zero) * scale
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        defer { mask = [] }
        return mask.isEmpty ? dy : dy.scaled(by: mask)
    }
}
