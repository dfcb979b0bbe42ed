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
            // Per-chunk sums in double precision, combined in chunk order.
            let chunks = Parallel.chunkCount(rows)
            var sums = [Double](repeating: 0, count: chunks * 2 * c)
            x.data.withUnsafeBufferPointer { xp in
                sums.withUnsafeMutableBufferPointer { sp in
                    let s = sp.baseAddress!, x0 = xp.baseAddress!
                    Parallel.chunks(rows, work: rows * c) { range, chunk in
                        // Float sums over blocks of 256 rows, flushed into doubles: vectorizes and stays accurate.
                        var blockSum = [Float](repeating: 0, count: c), blockSquare = [Float](repeating: 0, count: c)
                        blockSum.withUnsafeMutableBufferPointer { bs in
                            blockSquare.withUnsafeMutableBufferPointer { bq in
                                let sum = s + chunk * 2 * c, square = sum + c
                                var flushed = range.lowerBound
                                for r in range {
                                    let row = x0 + r * c
                                    for ch in 0..<c {
                                        let v = row[ch]
                                        bs[ch] += v
                                        bq[ch] += v * v
                                    }
                                    if r - flushed == 255 || r == range.upperBound - 1 {
                                        for ch in 0..<c {
                                            sum[ch] += Double(bs[ch])
                                            square[ch] += Double(bq[ch])
                                            bs[ch] = 0
                                            bq[ch] = 0
                                        }
                                        flushed = r + 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
            for ch in 0..<c {
                var sum = 0.0, square = 0.0
                for w in 0..<chunks {
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
        var xhat = Tensor(uninitialized: training ? x.shape : [0])
        var y = Tensor(uninitialized: x.shape)
        let scale = (0..<c).map { gamma.value[$0] * inv[$0] }
        let shift = (0..<c).map { beta.value[$0] - mean[$0] * scale[$0] }
        x.data.withUnsafeBufferPointer { xp in
            xhat.data.withUnsafeMutableBufferPointer { hp in
                y.data.withUnsafeMutableBufferPointer { yp in
                    mean.withUnsafeBufferPointer { mp in
                        inv.withUnsafeBufferPointer { ip in
                            scale.withUnsafeBufferPointer { sp in
                                shift.withUnsafeBufferPointer { tp in
                                    let src = xp.baseAddress!, out = yp.baseAddress!
                                    let h = training ? hp.baseAddress : nil
                                    let m = mp.baseAddress!, iv = ip.baseAddress!, sc = sp.baseAddress!, sh = tp.baseAddress!
                                    Parallel.chunks(rows, work: rows * c) { range, _ in
                                        for r in range {
                                            let xr = src + r * c, yr = out + r * c
                                            for ch in 0..<c { yr[ch] = xr[ch] * sc[ch] + sh[ch] }
                                            if let h {
                                                let hr = h + r * c
                                                for ch in 0..<c { hr[ch] = (xr[ch] - m[ch]) * iv[ch] }
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
        if training {
            normalized = xhat
            inverseStd = inv
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let xhat = normalized else { preconditionFailure("BatchNorm.backward without a training forward") }
        let c = channels, rows = dy.count / c
        // Per-chunk partial sums (float over blocks of rows, double across), in chunk order.
        let chunks = Parallel.chunkCount(rows)
        var partial = [Double](repeating: 0, count: chunks * 2 * c)
        dy.data.withUnsafeBufferPointer { dp in
            xhat.data.withUnsafeBufferPointer { hp in
                partial.withUnsafeMutableBufferPointer { pp in
                    let d0 = dp.baseAddress!, h0 = hp.baseAddress!, p0 = pp.baseAddress!
                    Parallel.chunks(rows, work: rows * c) { range, chunk in
                        var sumDH = [Float](repeating: 0, count: c), sumD = [Float](repeating: 0, count: c)
                        sumDH.withUnsafeMutableBufferPointer { a in
                            sumD.withUnsafeMutableBufferPointer { b in
                                let out = p0 + chunk * 2 * c
                                var flushed = range.lowerBound
                                for r in range {
                                    let d = d0 + r * c, h = h0 + r * c
                                    for ch in 0..<c {
                                        a[ch] += d[ch] * h[ch]
                                        b[ch] += d[ch]
                                    }
                                    if r - flushed == 255 || r == range.upperBound - 1 {
                                        for ch in 0..<c {
                                            out[ch] += Double(a[ch])
                                            out[c + ch] += Double(b[ch])
                                            a[ch] = 0
                                            b[ch] = 0
                                        }
                                        flushed = r + 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var dgamma = [Double](repeating: 0, count: c), dbeta = [Double](repeating: 0, count: c)
        for w in 0..<chunks {
            for ch in 0..<c {
                dgamma[ch] += partial[w * 2 * c + ch]
                dbeta[ch] += partial[w * 2 * c + c + ch]
            }
        }
        for ch in 0..<c {
            gamma.gradient[ch] += Float(dgamma[ch])
            beta.gradient[ch] += Float(dbeta[ch])
        }
        var dx = Tensor(uninitialized: needsInputGradient ? dy.shape : [0])
        if needsInputGradient {
            let m = Float(rows)
            let scale = (0..<c).map { gamma.value[$0] * inverseStd[$0] / m }
            let sumD = dbeta.map(Float.init), sumDH = dgamma.map(Float.init)
            dy.data.withUnsafeBufferPointer { dp in
                xhat.data.withUnsafeBufferPointer { hp in
                    dx.data.withUnsafeMutableBufferPointer { xp in
                        let d0 = dp.baseAddress!, h0 = hp.baseAddress!, x0 = xp.baseAddress!
                        scale.withUnsafeBufferPointer { sp in
                            sumD.withUnsafeBufferPointer { bp in
                                sumDH.withUnsafeBufferPointer { ap in
                                    let k = sp.baseAddress!, b = bp.baseAddress!, a = ap.baseAddress!
                                    Parallel.chunks(rows, work: rows * c) { range, _ in
                                        for r in range {
                                            let d = d0 + r * c, h = h0 + r * c, out = x0 + r * c
                                            for ch in 0..<c { out[ch] = k[ch] * (m * d[ch] - b[ch] - h[ch] * a[ch]) }
                                        }
                                    }
                                }
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
