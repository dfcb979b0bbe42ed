/// [N, ...] to [N, F]: the bridge from feature maps to Dense layers.
public final class Flatten: Layer {
    public let kind = "Flatten"
    public var needsInputGradient = true
    private var inputShape: [Int] = []

    public init() {}

    public func outputShape(_ input: [Int]) throws -> [Int] { [input.reduce(1, *)] }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        if training { inputShape = x.shape }
        return Tensor(shape: [x.batch, x.sampleSize], data: x.data)
    }

    public func backward(_ dy: Tensor) -> Tensor {
        Tensor(shape: inputShape, data: dy.data)
    }
}

/// Inverted dropout: zeroes a fraction `rate` of activations while training and scales the rest,
/// so inference needs no change. Masks come from a counter-based hash of a seed, so a training
/// run is reproducible without threading a generator through every layer.
public final class Dropout: Layer {
    public let kind = "Dropout"
    public let rate: Float
    public var needsInputGradient = true
    private let seed: UInt64
    private var calls: UInt64 = 0
    private var mask: [Float] = []

    public init(rate: Float, seed: UInt64) {
        precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1)")
        self.rate = rate
        self.seed = seed
    }

    public func outputShape(_ input: [Int]) throws -> [Int] { input }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        guard training, rate > 0 else { return x }
        calls += 1
        let keep = 1 - rate, scale = 1 / keep
        let base = seed &+ calls &* 0x9E37_79B9_7F4A_7C15
        mask = (0..<x.count).map { i in Float(Self.mix(base &+ UInt64(i)) >> 40) * 0x1p-24 < keep ? scale : 0 }
        var y = x
        for i in 0..<y.count { y.data[i] *= mask[i] }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard !mask.isEmpty else { return dy }
        var dx = dy
        for i in 0..<dx.count { dx.data[i] *= mask[i] }
        mask = []
        return dx
    }

    /// SplitMix64's finalizer: a good 64-bit mix of a counter.
    static func mix(_ v: UInt64) -> UInt64 {
        var z = v &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
