/// Batch normalization over the last (channel) axis, with running statistics for inference.
public final class BatchNorm: Layer {
    public let kind = "BatchNorm"
    public let channels: Int
    public let gamma: Parameter
    public let beta: Parameter
    public var runningMean: [Float]
    public var runningVariance: [Float]
    public let momentum: Float
    public let epsilon: Float
    public var needsInputGradient = true
    private var normalized: Tensor?
    private var inverseStd: [Float] = []

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

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let c = channels, rows = x.count / c
        var mean = runningMean, variance = runningVariance
        if training {
            // Per-worker sums in double precision, combined in worker order.
            let workers = Parallel.workers(rows)
            var sums = [Double](repeating: 0, count: workers * 2 * c)
            x.data.withUnsafeBufferPointer { xp in
                sums.withUnsafeMutableBufferPointer { sp in
                    let s = sp.baseAddress!
                    Parallel.chunks(rows) { range, worker in
                        let sum = s + worker * 2 * c, square = sum + c
                        for r in range {
                            let row = xp.baseAddress! + r * c
                            for ch in 0..<c {
                                let v = Double(row[ch])
                                sum[ch] += v
                                square[ch] += v * v
                            }
                        }
                    }
                }
            }
            for ch in 0..<c {
                var sum = 0.0, square = 0.0
                for w in 0..<workers {
                    sum += sums[w * 2 * c + ch]
                    square += sums[w * 2 * c + c + ch]
                }
                let m = sum / Double(rows)
                let v = max(0, square / Double(rows) - m * m)
                mean[ch] = Float(m)
                variance[ch] = Float(v)
                let unbiased = rows > 1 ? v * Double(rows) / Double(rows - 1) : v
                runningMean[ch] = (1 - momentum) * runningMean[ch] + momentum * Float(m)
                runningVariance[ch] = (1 - momentum) * runningVariance[ch] + momentum * Float(unbiased)
            }
        }
        let inv = variance.map { 1 / ($0 + epsilon).squareRoot() }
        var xhat = x
        var y = x
        xhat.data.withUnsafeMutableBufferPointer { hp in
            y.data.withUnsafeMutableBufferPointer { yp in
                let h = hp.baseAddress!, out = yp.baseAddress!
                Parallel.chunks(rows) { range, _ in
                    for r in range {
                        let hr = h + r * c, yr = out + r * c
                        for ch in 0..<c {
                            let n = (hr[ch] - mean[ch]) * inv[ch]
                            hr[ch] = n
                            yr[ch] = n * gamma.value[ch] + beta.value[ch]
                        }
                    }
                }
            }
        }
        if training {
            normalized = xhat
            inverseStd = inv
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let xhat = normalized else { preconditionFailure("BatchNorm.backward without a training forward") }
        let c = channels, rows = dy.count / c
        var dgamma = [Double](repeating: 0, count: c), dbeta = [Double](repeating: 0, count: c)
        dy.data.withUnsafeBufferPointer { dp in
            xhat.data.withUnsafeBufferPointer { hp in
                for r in 0..<rows {
                    let d = dp.baseAddress! + r * c, h = hp.baseAddress! + r * c
                    for ch in 0..<c {
                        dgamma[ch] += Double(d[ch] * h[ch])
                        dbeta[ch] += Double(d[ch])
                    }
                }
            }
        }
        for ch in 0..<c {
            gamma.gradient[ch] += Float(dgamma[ch])
            beta.gradient[ch] += Float(dbeta[ch])
        }
        var dx = Tensor(zeros: needsInputGradient ? dy.shape : [0])
        if needsInputGradient {
            let m = Float(rows)
            let scale = (0..<c).map { gamma.value[$0] * inverseStd[$0] / m }
            let sumD = dbeta.map(Float.init), sumDH = dgamma.map(Float.init)
            dy.data.withUnsafeBufferPointer { dp in
                xhat.data.withUnsafeBufferPointer { hp in
                    dx.data.withUnsafeMutableBufferPointer { xp in
                        let d0 = dp.baseAddress!, h0 = hp.baseAddress!, x0 = xp.baseAddress!
                        Parallel.chunks(rows) { range, _ in
                            for r in range {
                                let d = d0 + r * c, h = h0 + r * c, out = x0 + r * c
                                for ch in 0..<c { out[ch] = scale[ch] * (m * d[ch] - sumD[ch] - h[ch] * sumDH[ch]) }
                            }
                        }
                    }
                }
            }
        }
        normalized = nil
        return dx
    }
}
