import CNasKernels

/// Layers applied in order; also the body of blocks.
public final class Sequential: Layer {
    public let kind: String
    public private(set) var layers: [Layer]
    public var needsInputGradient = true {
        didSet { layers.first?.needsInputGradient = needsInputGradient }
    }

    public init(_ layers: [Layer], kind: String = "Sequential") {
        self.layers = layers
        self.kind = kind
    }

    public var children: [Layer] { layers }
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    public func outputShape(_ input: [Int]) throws -> [Int] {
        try layers.reduce(input) { try $1.outputShape($0) }
    }

    public func macs(_ input: [Int]) -> Int {
        var shape = input, total = 0
        for layer in layers {
            total += layer.macs(shape)
            guard let next = try? layer.outputShape(shape) else { break }
            shape = next
        }
        return total
    }

    /// The clamp of the activation at `index`, which the layer before it can apply to its own
    /// output; nil when there is none there or it has no clamp form.
    private func clamp(fusedAt index: Int) -> ClosedRange<Float>? {
        index < layers.count ? (layers[index] as? Activation)?.function.clamp : nil
    }

    /// Indices of activations the previous forward fused into the layer before them.
    private var fused: Set<Int> = []

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        var t = x
        var index = 0
        fused = []
        while index < layers.count {
            // A convolution sums the moments of the batch norm after it while its output is in
            // cache; the batch norm's own fused activation stays fused.
            if training, index + 1 < layers.count, let conv = layers[index] as? Conv2D,
               let norm = layers[index + 1] as? BatchNorm, let (y, moments) = conv.forward(t, momentsFor: norm) {
                let clamp = clamp(fusedAt: index + 2)
                t = norm.forward(y, training: true, clamp: clamp, moments: moments)
                if clamp != nil { fused.insert(index + 2) }
                index += clamp != nil ? 3 : 2
                continue
            }
            if let producer = layers[index] as? ClampFusing, let clamp = clamp(fusedAt: index + 1) {
                t = producer.forward(t, training: training, clamp: clamp)
                fused.insert(index + 1)
                index += 2
            } else {
                t = layers[index].forward(t, training: training)
                index += 1
            }
        }
        return t
    }

    public func backward(_ dy: Tensor) -> Tensor {
        var g = dy
        var index = layers.count - 1
        while index >= 0 {
            if fused.contains(index) {
                index -= 1
                continue
            }
            // A max pool of a layer's clamped output applies the clamp's mask itself.
            if let pool = layers[index] as? Pool, pool.canApplyClampMask, let fold = clampMask(before: index) {
                g = pool.backward(g, clamp: fold.clamp)
                index = fold.producer
                continue
            }
            // A FakeQuant of a layer's (clamped) output: that layer applies the mask itself.
            let producer = fused.contains(index - 1) ? index - 2 : index - 1
            if let quantizer = layers[index] as? FakeQuant, producer >= 0,
               let fusing = layers[producer] as? StraightThroughFusing, fusing.keepsOutput {
                g = quantizer.takeStraightThroughRange().map { fusing.backward(g, inside: $0) } ?? fusing.backward(g)
                index = producer - 1
                continue
            }
            g = layers[index].backward(g)
            index -= 1
        }
        return g
    }

    /// The clamp a max pool at `index` applies the gradient mask of, for the layer before the
    /// activation it pools, which was fused into that layer: taking it hands the mask over, so
    /// that layer's backward skips its own pass. (With a FakeQuant between them the mask needs
    /// the unquantized outputs, which the pool never sees: that layer keeps its pass.)
    private func clampMask(before index: Int) -> (producer: Int, clamp: ClosedRange<Float>)? {
        let activation = index - 1
        guard activation >= 1, fused.contains(activation),
              let producer = layers[activation - 1] as? ClampMaskHandingOver, producer.keepsOutput,
              let clamp = producer.takeClampMask() else { return nil }
        return (activation - 1, clamp)
    }
}

/// y = body(x) + shortcut(x), the residual add; an empty shortcut is the identity.
public final class Residual: StraightThroughFusing {
    public let kind = "Residual"
    public let body: Sequential
    public let shortcut: Sequential
    public var needsInputGradient = true
    private var clamp: ClosedRange<Float>?
    private var output: Tensor?

    public init(body: [Layer], shortcut: [Layer] = []) {
        self.body = Sequential(body, kind: "Body")
        self.shortcut = Sequential(shortcut, kind: "Shortcut")
    }

    public var children: [Layer] { body.layers + shortcut.layers }
    public var namedChildren: [(name: String, layer: Layer)] {
        body.layers.enumerated().map { ("body.\($0.offset)", $0.element) }
            + shortcut.layers.enumerated().map { ("shortcut.\($0.offset)", $0.element) }
    }
    public var parameters: [Parameter] { body.parameters + shortcut.parameters }

    public func outputShape(_ input: [Int]) throws -> [Int] {
        let main = try body.outputShape(input), side = try shortcut.outputShape(input)
        guard main == side else {
            throw ShapeError("residual add of \(main) and \(side): the shortcut must match the body's output (add a 1x1 convolution)")
        }
        return main
    }

    public func macs(_ input: [Int]) -> Int {
        body.macs(input) + shortcut.macs(input) + ((try? body.outputShape(input))?.reduce(1, *) ?? 0)
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        forward(x, training: training, clamp: nil)
    }

    public func forward(_ x: Tensor, training: Bool, clamp: ClosedRange<Float>?) -> Tensor {
        var y = body.forward(x, training: training)
        add(shortcut.forward(x, training: training), into: &y, clamp: clamp)
        self.clamp = training ? clamp : nil
        output = training && clamp != nil ? y : nil
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        backward(dy, inside: -.infinity ... .infinity)
    }

    var keepsOutput: Bool { output != nil }

    func backward(_ dy: Tensor, inside: ClosedRange<Float>) -> Tensor {
        var dy = dy
        if let clamp, let output { dy = clampGradient(dy, output: output, clamp, inside: inside) }
        output = nil
        var dx = body.backward(dy)
        let side = shortcut.backward(dy)
        guard needsInputGradient else { return dx }
        add(side, into: &dx)
        return dx
    }
}

/// target += other, elementwise (same shapes), then clamped when a ReLU is fused.
func add(_ other: Tensor, into target: inout Tensor, clamp: ClosedRange<Float>? = nil) {
    let lo = clamp?.lowerBound ?? -.infinity, hi = clamp?.upperBound ?? .infinity
    other.data.withUnsafeBufferPointer { src in
        target.data.withUnsafeMutableBufferPointer { dst in
            let s = src.baseAddress!, d = dst.baseAddress!
            Parallel.chunks(dst.count, work: dst.count) { range, _ in
                nas_add(d + range.lowerBound, s + range.lowerBound, range.count, lo, hi)
            }
        }
    }
}

/// The gradient through a fused clamp: `g` where the output was strictly inside the clamp,
/// zero where it sat on a bound; times the straight-through mask of a FakeQuant of the output
/// (1 within `inside`, 0 outside; the whole line when none follows). One pass into a new
/// tensor (copying `g` to mutate it would be two).
func clampGradient(_ g: Tensor, output: Tensor, _ clamp: ClosedRange<Float>,
                   inside: ClosedRange<Float> = -.infinity ... .infinity) -> Tensor {
    var d = Tensor(uninitialized: g.shape)
    output.data.withUnsafeBufferPointer { yp in
        g.data.withUnsafeBufferPointer { gp in
            d.data.withUnsafeMutableBufferPointer { dp in
                let y = yp.baseAddress!, src = gp.baseAddress!, dst = dp.baseAddress!
                Parallel.chunks(dp.count, work: dp.count) { range, _ in
                    nas_clamp_gradient(dst + range.lowerBound, src + range.lowerBound, y + range.lowerBound, range.count,
                                       clamp.lowerBound, clamp.upperBound, inside.lowerBound, inside.upperBound)
                }
            }
        }
    }
    return d
}

/// Squeeze-and-excitation: channel weights from a bottleneck MLP on the pooled input rescale
/// the input's channels (MobileNetV3 uses ReLU then hard-sigmoid).
public final class SqueezeExcite: Layer {
    public let kind = "SqueezeExcite"
    public let channels: Int
    let pool = GlobalAvgPool()
    public let reduce: Dense
    let relu = Activation(.relu)
    public let expand: Dense
    public let gate = Activation(.hardSigmoid)
    public var needsInputGradient = true
    private var input: Tensor?
    private var scale: Tensor?

    public convenience init(channels: Int, reduction: Int = 4, rng: inout some RandomNumberGenerator) {
        self.init(channels: channels, hidden: max(1, channels / reduction), rng: &rng)
    }

    public init(channels: Int, hidden: Int, rng: inout some RandomNumberGenerator) {
        self.channels = channels
        reduce = Dense(inFeatures: channels, outFeatures: hidden, rng: &rng)
        expand = Dense(inFeatures: hidden, outFeatures: channels, rng: &rng)
    }

    public var children: [Layer] { [pool, reduce, relu, expand, gate] }
    public var namedChildren: [(name: String, layer: Layer)] {
        [("pool", pool), ("reduce", reduce), ("relu", relu), ("expand", expand), ("gate", gate)]
    }
    public var parameters: [Parameter] { reduce.parameters + expand.parameters }

    public func outputShape(_ input: [Int]) throws -> [Int] {
        guard input.last == channels else { throw ShapeError("SqueezeExcite expects \(channels) channels, got \(input)") }
        return input
    }

    public func macs(_ input: [Int]) -> Int {
        input.reduce(1, *) * 2 + reduce.macs([channels]) + expand.macs([reduce.outFeatures])
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let s = gate.forward(expand.forward(relu.forward(reduce.forward(pool.forward(x, training: training),
                                                                       training: training), training: training),
                                            training: training), training: training)
        if training {
            input = x
            scale = s
        }
        var y = x
        let c = channels, positions = x.sampleSize / c
        for n in 0..<x.batch {
            for p in 0..<positions {
                let base = (n * positions + p) * c
                for ch in 0..<c { y.data[base + ch] *= s.data[n * c + ch] }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input, let s = scale else { preconditionFailure("SqueezeExcite.backward without a training forward") }
        let c = channels, positions = x.sampleSize / c
        var dx = dy
        var ds = Tensor(zeros: [x.batch, c])
        for n in 0..<x.batch {
            for p in 0..<positions {
                let base = (n * positions + p) * c
                for ch in 0..<c {
                    ds.data[n * c + ch] += dy.data[base + ch] * x.data[base + ch]
                    dx.data[base + ch] = dy.data[base + ch] * s.data[n * c + ch]
                }
            }
        }
        add(pool.backward(reduce.backward(relu.backward(expand.backward(gate.backward(ds))))), into: &dx)
        input = nil
        scale = nil
        return dx
    }
}
