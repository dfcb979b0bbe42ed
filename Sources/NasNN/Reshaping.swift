import NasCore

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
/// so inference needs no change. Each call's mask comes from a stream derived from the seed and
/// the call count, so a training run is reproducible without threading a generator through.
public final class Dropout: Layer {
    public let kind = "Dropout"
    public let rate: Float
    public var needsInputGradient = true
    public let seed: UInt64
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
        var rng = SeededGenerator(seed: seed).derived(stream: calls)
        mask = (0..<x.count).map { _ in rng.nextFloat() < keep ? scale : 0 }
        return x.scaled(by: mask)
    }

    public func backward(_ dy: Tensor) -> Tensor {
        defer { mask = [] }
        return mask.isEmpty ? dy : dy.scaled(by: mask)
    }
}
