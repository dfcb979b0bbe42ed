import CNasKernels

/// Batch normalization over the last (channel) axis, with running statistics for inference.
/// Sums run per chunk of rows (float within 256-row blocks, double across) and combine in chunk
/// order, so statistics do not depend on the thread count.
public final class BatchNorm: StraightThroughFusing {
    public let kind = "BatchNorm"
    public let channels: Int
    public let gamma: Parameter
    public let beta: Parameter
    public var runningMean: [Float]
    public var runningVariance: [Float]
    public let momentum: Float
    public let epsilon: Float
    public var needsInputGradient = true
    /// The last training forward's input and batch statistics: backward recomputes the
    /// normalized input from them (keeping it would cost a tensor per batch norm).
    private var input: Tensor?
    private var batchMean: [Float] = []
    private var inverseStd: [Float] = []
    /// A fused ReLU/ReLU6 of the last training forward, and the output its gradient needs.
    private var clamp: ClosedRange<Float>?
    private var output: Tensor?

    public init(channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        self.channels = channels
        self.momentum = momentum
        self.epsilon = epsilon
        gamma = Parameter(name: "gamma", shape: [channels], value: .init(repeating: 1, count: channels), isWeight: false)
        beta = Parameter(name: "beta", shape: [channels], value: .init(repeating: 0, count: channels), isWeight: false)
        runningMean = .init(repeating: 0, count: channels)
        runningVariance = .init(repeating: 1, count: channels)
    }

    public var parameters: [Parameter] { [gamma, beta] }

    public func outputShape(_ input: [Int]) throws -> [Int] {
        guard input.last == channels else { throw ShapeError("BatchNorm expects \(channels) channels, got \(input)") }
        return input
    }

    /// Per-channel sums of two quantities over all rows, chunk by chunk.
    private func channelSums(rows: Int, _ kernel: (Range<Int>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void)
        -> (first: [Double], second: [Double]) {
        let c = channels, chunks = Parallel.chunkCount(rows)
        var partial = [Double](repeating: 0, count: chunks * 2 * c)
        partial.withUnsafeMutableBufferPointer { pp in
            let p = pp.baseAddress!
            Parallel.chunks(rows, work: rows * c) { range, chunk in
                kernel(range, p + chunk * 2 * c, p + chunk * 2 * c + c)
            }
        }
        return combine(partial)
    }

    /// The per-chunk partial sums (chunk after chunk: `channels` first sums, then `channels`
    /// second sums) added up in chunk order.
    private func combine(_ partial: [Double]) -> (first: [Double], second: [Double]) {
        let c = channels, chunks = partial.count / (2 * c)
        var first = [Double](repeating: 0, count: c), second = [Double](repeating: 0, count: c)
        for chunk in 0..<chunks {
            for ch in 0..<c {
                first[ch] += partial[chunk * 2 * c + ch]
                second[ch] += partial[chunk * 2 * c + c + ch]
            }
        }
        return (first, second)
    }

    /// Whether a producer that runs `samples` samples of `positions` rows each through
    /// `Parallel.chunks` (chunked by sample) meets the same row chunks as this layer's statistics.
    /// Then it can sum the moments itself, block by block while its output is in cache, with
    /// `nas_channel_moments_resume` per chunk (`chunks * 2 * channels` doubles laid out as
    /// `channelSums` lays them out), and the sums are bit for bit the ones `forward` would take.
    static func rowChunksAlign(samples: Int, positions: Int) -> Bool {
        let rows = samples * positions, chunks = Parallel.chunkCount(rows)
        guard samples > 0, positions > 0, chunks == Parallel.chunkCount(samples) else { return false }
        return (0..<chunks).allSatisfy {
            Parallel.chunkRange($0, of: chunks, over: rows) == Parallel.chunkRange($0, of: chunks, over: samples).lowerBound * positions
                ..< Parallel.chunkRange($0, of: chunks, over: samples).upperBound * positions
        }
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        forward(x, training: training, clamp: nil)
    }

    public func forward(_ x: Tensor, training: Bool, clamp: ClosedRange<Float>?) -> Tensor {
        forward(x, training: training, clamp: clamp, moments: nil)
    }

    /// `moments`: x's per-chunk moments as its producer summed them (see `rowChunksAlign`), in
    /// place of the pass over x that would sum them here; training only.
    func forward(_ x: Tensor, training: Bool, clamp: ClosedRange<Float>?, moments: [Double]?) -> Tensor {
        let c = channels, rows = x.count / c
        let lo = clamp?.lowerBound ?? -.infinity, hi = clamp?.upperBound ?? .infinity
        var mean = runningMean, variance = runningVariance
        if training {
            let (sum, square) = moments.map(combine) ?? x.data.withUnsafeBufferPointer { xp in
                channelSums(rows: rows) { range, s, q in
                    nas_channel_moments(xp.baseAddress! + range.lowerBound * c, range.count, Int32(c), s, q)
                }
            }
            for ch in 0..<c {
                let m = sum[ch] / Double(rows)
                let v = max(0, square[ch] / Double(rows) - m * m)
                mean[ch] = Float(m)
                variance[ch] = Float(v)
                let unbiased = rows > 1 ? v * Double(rows) / Double(rows - 1) : v
                runningMean[ch] = (1 - momentum) * runningMean[ch] + momentum * Float(m)
                runningVariance[ch] = (1 - momentum) * runningVariance[ch] + momentum * Float(unbiased)
            }
        }
        let inv = variance.map { 1 / ($0 + epsilon).squareRoot() }
        let scale = (0..<c).map { gamma.value[$0] * inv[$0] }
        let shift = (0..<c).map { beta.value[$0] - mean[$0] * scale[$0] }
        var y = Tensor(uninitialized: x.shape)
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                let src = xp.baseAddress!, out = yp.baseAddress!
                Parallel.chunks(rows, work: rows * c) { range, _ in
                    let offset = range.lowerBound * c
                    nas_channel_affine(src + offset, range.count, Int32(c), scale, shift, out + offset, lo, hi)
                }
            }
        }
        if training {
            input = x
            batchMean = mean
            inverseStd = inv
            self.clamp = clamp
            output = clamp == nil ? nil : y
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        backward(dy, inside: -.infinity ... .infinity)
    }

    var keepsOutput: Bool { output != nil }

    func backward(_ dy: Tensor, inside: ClosedRange<Float>) -> Tensor {
        guard let x = input else { preconditionFailure("BatchNorm.backward without a training forward") }
        let mean = batchMean, inv = inverseStd
        let c = channels, rows = dy.count / c
        let clamp = self.clamp, y = output ?? Tensor(zeros: [0])
        let lo = clamp?.lowerBound ?? 0, hi = clamp?.upperBound ?? 0
        let qa = inside.lowerBound, qb = inside.upperBound
        let (dbeta, dgamma) = dy.data.withUnsafeBufferPointer { dp in
            x.data.withUnsafeBufferPointer { hp in
                y.data.withUnsafeBufferPointer { yp in
                    channelSums(rows: rows) { range, g, gh in
                        let offset = range.lowerBound * c
                        if clamp != nil {
                            nas_channel_dot_masked(dp.baseAddress! + offset, hp.baseAddress! + offset, mean, inv,
                                                   yp.baseAddress! + offset, lo, hi, qa, qb, range.count, Int32(c), g, gh)
                        } else {
                            nas_channel_dot(dp.baseAddress! + offset, hp.baseAddress! + offset, mean, inv, range.count,
                                            Int32(c), g, gh)
                        }
                    }
                }
            }
        }
        for ch in 0..<c {
            gamma.gradient[ch] += Float(dgamma[ch])
            beta.gradient[ch] += Float(dbeta[ch])
        }
        var dx = Tensor(uninitialized: needsInputGradient ? dy.shape : [0])
        if needsInputGradient {
            let m = Float(rows)
            let k = (0..<c).map { gamma.value[$0] * inv[$0] / m }
            let sumG = dbeta.map(Float.init), sumGH = dgamma.map(Float.init)
            dy.data.withUnsafeBufferPointer { dp in
                x.data.withUnsafeBufferPointer { hp in
                    y.data.withUnsafeBufferPointer { yp in
                        dx.data.withUnsafeMutableBufferPointer { xp in
                            let g = dp.baseAddress!, h = hp.baseAddress!, out = xp.baseAddress!, yb = yp.baseAddress
                            Parallel.chunks(rows, work: rows * c) { range, _ in
                                let offset = range.lowerBound * c
                                if clamp != nil {
                                    nas_bn_input_gradient_masked(g + offset, h + offset, mean, inv, yb! + offset, lo, hi, qa, qb,
                                                                 range.count, Int32(c), m, k, sumG, sumGH, out + offset)
                                } else {
                                    nas_bn_input_gradient(g + offset, h + offset, mean, inv, range.count, Int32(c), m, k, sumG,
                                                          sumGH, out + offset)
                                }
                            }
                        }
                    }
                }
            }
        }
        input = nil
        output = nil
        return dx
    }
}
