import CNasKernels

/// 2-D convolution over [N, H, W, C] (or 1-D over [N, T, C] with a kernel height of one), with
/// stride, zero padding and groups; groups == channels is a depthwise convolution.
/// Weights are [KH, KW, Cin/groups, Cout], the layout im2col rows multiply against.
/// A ReLU/ReLU6 right after it is applied in the bias pass (ClampFusing).
public final class Conv2D: ClampMaskHandingOver {
    public let kind: String
    public let kernel: (height: Int, width: Int)
    public let stride: Int
    public let padding: (height: Int, width: Int)
    public let groups: Int
    public let inChannels: Int
    public let outChannels: Int
    public let weight: Parameter
    public let bias: Parameter?
    public var needsInputGradient = true
    private var input: Tensor?
    /// A fused ReLU/ReLU6 of the last training forward, and the output its gradient needs.
    private var clamp: ClosedRange<Float>?
    private var output: Tensor?

    /// A square kernel (or a length-`kernel` 1-D kernel) with "same"-style padding by default.
    public convenience init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int? = nil,
                            groups: Int = 1, bias: Bool = true, oneDimensional: Bool = false,
                            rng: inout some RandomNumberGenerator) {
        self.init(inChannels: inChannels, outChannels: outChannels, kernel: (oneDimensional ? 1 : kernel, kernel),
                  stride: stride, padding: (oneDimensional ? 0 : padding ?? kernel / 2, padding ?? kernel / 2),
                  groups: groups, bias: bias, kind: oneDimensional ? "Conv1D" : nil, rng: &rng)
    }

    /// Any kernel shape, e.g. DS-CNN's 10x4 first layer; padding (height, width) on both sides.
    public init(inChannels: Int, outChannels: Int, kernel: (height: Int, width: Int), stride: Int = 1,
                padding: (height: Int, width: Int), groups: Int = 1, bias: Bool = true, kind: String? = nil,
                rng: inout some RandomNumberGenerator) {
        precondition(inChannels % groups == 0 && outChannels % groups == 0, "channels must divide into groups")
        self.kind = kind ?? (groups == inChannels && groups > 1 ? "DepthwiseConv2D" : "Conv2D")
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.groups = groups
        self.inChannels = inChannels
        self.outChannels = outChannels
        let perGroup = inChannels / groups
        let fanIn = kernel.height * kernel.width * perGroup
        weight = Parameter(name: "weight", shape: [kernel.height, kernel.width, perGroup, outChannels],
                           value: Initialization.he(count: fanIn * outChannels, fanIn: fanIn, &rng), isWeight: true)
        self.bias = bias ? Parameter(name: "bias", shape: [outChannels], value: .init(repeating: 0, count: outChannels), isWeight: false) : nil
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    private var isDepthwise: Bool { groups == inChannels && groups == outChannels && groups > 1 }
    var isPointwise: Bool { kernel == (1, 1) && stride == 1 && padding == (0, 0) && groups == 1 }

    func outputSpatial(_ s: Spatial) -> Spatial {
        Spatial(height: (s.height + 2 * padding.height - kernel.height) / stride + 1,
                width: (s.width + 2 * padding.width - kernel.width) / stride + 1, channels: outChannels)
    }

    public func outputShape(_ input: [Int]) throws -> [Int] {
        let s = try Spatial(input)
        guard s.channels == inChannels else {
            throw ShapeError("\(kind) expects \(inChannels) input channels, got \(s.channels) (input \(input))")
        }
        let o = outputSpatial(s)
        guard s.height + 2 * padding.height >= kernel.height, s.width + 2 * padding.width >= kernel.width else {
            throw ShapeError("\(kind) kernel \(kernel.height)x\(kernel.width) stride \(stride) does not fit input \(input)")
        }
        return o.shape(like: input)
    }

    public func macs(_ input: [Int]) -> Int {
        guard let s = try? Spatial(input) else { return 0 }
        return outputSpatial(s).positions * outChannels * kernel.height * kernel.width * (inChannels / groups)
    }

    // MARK: - Forward

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        forward(x, training: training, clamp: nil)
    }

    public func forward(_ x: Tensor, training: Bool, clamp: ClosedRange<Float>?) -> Tensor {
        forward(x, training: training, clamp: clamp, moments: nil)
    }

    /// A training forward that also sums its output's per-channel moments for the BatchNorm
    /// right after it (`BatchNorm.forward(_:training:clamp:moments:)`), block by block while the
    /// block is in cache instead of in a pass of its own; nil (nothing run) where this layer's
    /// blocks do not meet the batch norm's row chunks, or its path has no such blocks.
    func forward(_ x: Tensor, momentsFor norm: BatchNorm) -> (output: Tensor, moments: [Double])? {
        guard usesImplicitGemm, norm.channels == outChannels, let s = try? Spatial(Array(x.shape.dropFirst())),
              BatchNorm.rowChunksAlign(samples: x.batch, positions: outputSpatial(s).positions) else { return nil }
        var moments = [Double](repeating: 0, count: Parallel.chunkCount(x.batch) * 2 * outChannels)
        let y = moments.withUnsafeMutableBufferPointer { forward(x, training: true, clamp: nil, moments: $0.baseAddress!) }
        return (y, moments)
    }

    /// `moments`: where chunk k of the samples adds its output's per-channel sums (at
    /// k * 2 * outChannels) and sums of squares (outChannels further); implicit GEMM only.
    private func forward(_ x: Tensor, training: Bool, clamp: ClosedRange<Float>?, moments: UnsafeMutablePointer<Double>?) -> Tensor {
        let sample = Array(x.shape.dropFirst())
        let s = try! Spatial(sample)
        let o = outputSpatial(s)
        // Only the depthwise kernel accumulates into its output; the GEMMs overwrite theirs.
        var y = isDepthwise ? Tensor(zeros: [x.batch] + o.shape(like: sample)) : Tensor(uninitialized: [x.batch] + o.shape(like: sample))
        let work = x.batch * macs(sample)
        let implicit = usesImplicitGemm
        if training { input = x }
        x.data.withUnsafeBufferPointer { xp in
            weight.value.withUnsafeBufferPointer { wp in
                y.data.withUnsafeMutableBufferPointer { yp in
                    let xb = xp.baseAddress!, wb = wp.baseAddress!, yb = yp.baseAddress!
                    if isPointwise {
                        Parallel.chunks(x.batch, work: work) { range, _ in
                            let rows = range.count * s.positions
                            nas_sgemm(Int32(rows), Int32(outChannels), Int32(inChannels),
                                      xb + range.lowerBound * s.positions * inChannels, inChannels, 1,
                                      wb, outChannels, 1, yb + range.lowerBound * o.positions * outChannels, outChannels, 0)
                        }
                    } else if isDepthwise {
                        Parallel.chunks(x.batch, work: work) { range, _ in
                            for n in range { depthwiseForward(xb + n * s.positions * inChannels, s, wb, yb + n * o.positions * outChannels, o) }
                        }
                    } else if implicit {
                        // The bias and a fused clamp are applied per sample, while its output is in cache.
                        let lo = clamp?.lowerBound ?? -.infinity, hi = clamp?.upperBound ?? .infinity
                        let biasValues = bias?.value ?? []
                        biasValues.withUnsafeBufferPointer { bp in
                            let b = bias == nil ? nil : bp.baseAddress
                            Parallel.chunks(x.batch, work: work) { range, chunk in
                                implicitForward(xb, s, wb, yb, samples: range, bias: b, clamp: (lo, hi),
                                                finish: bias != nil || clamp != nil,
                                                moments: moments.map { $0 + chunk * 2 * outChannels })
                            }
                        }
                    } else {
                        Parallel.chunks(x.batch, work: work) { range, _ in
                            convolve(xb, s, wb, yb, o, samples: range)
                        }
                    }
                }
            }
        }
        if !implicit, bias != nil || clamp != nil { addBias(&y, bias?.value, clamp: clamp) }
        if training {
            self.clamp = clamp
            output = clamp == nil ? nil : y
        }
        return y
    }

    /// Samples per GEMM block (im2col or implicit): enough rows to keep the GEMM efficient, few
    /// enough for its scratch to stay in cache.
    func block(_ o: Spatial) -> Int { max(1, 512 / max(1, o.positions)) }

    private func convolve(_ x: UnsafePointer<Float>, _ s: Spatial, _ w: UnsafePointer<Float>,
                          _ y: UnsafeMutablePointer<Float>, _ o: Spatial, samples: Range<Int>) {
        let gc = inChannels / groups, gco = outChannels / groups
        let row = kernel.height * kernel.width * gc
        let perBlock = block(o)
        var cols = [Float](unsafeUninitializedCapacity: perBlock * o.positions * row) { _, n in n = perBlock * o.positions * row }
        cols.withUnsafeMutableBufferPointer { cp in
            let c = cp.baseAddress!
            var n0 = samples.lowerBound
            while n0 < samples.upperBound {
                let count = min(perBlock, samples.upperBound - n0)
                for g in 0..<groups {
                    for i in 0..<count {
                        im2col(x + (n0 + i) * s.positions * inChannels, s, g * gc, gc, o, c + i * o.positions * row)
                    }
                    nas_sgemm(Int32(count * o.positions), Int32(gco), Int32(row), c, row, 1,
                              w + g * gco, outChannels, 1, y + n0 * o.positions * outChannels + g * gco, outChannels, 0)
                }
                n0 += count
            }
        }
    }

    private func im2col(_ x: UnsafePointer<Float>, _ s: Spatial, _ c0: Int, _ gc: Int, _ o: Spatial, _ cols: UnsafeMutablePointer<Float>) {
        nas_im2col(x, Int32(s.height), Int32(s.width), Int32(s.channels), Int32(c0), Int32(gc),
                   Int32(kernel.height), Int32(kernel.width), Int32(stride), Int32(padding.height), Int32(padding.width),
                   Int32(o.height), Int32(o.width), cols)
    }

    /// Calls body(output offset, input offset, weight offset), each the first of `channels`
    /// contiguous values, for every in-bounds tap of a depthwise kernel over one sample.
    @inline(__always)
    private func forEachDepthwiseTap(_ s: Spatial, _ o: Spatial, _ body: (Int, Int, Int) -> Void) {
        let c = inChannels
        for oy in 0..<o.height {
            for ox in 0..<o.width {
                for ky in 0..<kernel.height {
                    let iy = oy * stride - padding.height + ky
                    if iy < 0 || iy >= s.height { continue }
                    for kx in 0..<kernel.width {
                        let ix = ox * stride - padding.width + kx
                        if ix < 0 || ix >= s.width { continue }
                        body((oy * o.width + ox) * c, (iy * s.width + ix) * c, (ky * kernel.width + kx) * c)
                    }
                }
            }
        }
    }

    private func depthwiseForward(_ x: UnsafePointer<Float>, _ s: Spatial, _ w: UnsafePointer<Float>,
                                  _ y: UnsafeMutablePointer<Float>, _ o: Spatial) {
        let c = inChannels
        forEachDepthwiseTap(s, o) { out, input, k in
            let yo = y + out, xi = x + input, wk = w + k
            for ch in 0..<c { yo[ch] += xi[ch] * wk[ch] }
        }
    }

    /// y = clamp(y + bias) per channel, in parallel (every element on its own).
    private func addBias(_ y: inout Tensor, _ b: [Float]?, clamp: ClosedRange<Float>?) {
        let c = outChannels, rows = y.count / c
        let lo = clamp?.lowerBound ?? -.infinity, hi = clamp?.upperBound ?? .infinity
        y.data.withUnsafeMutableBufferPointer { yp in
            let out = yp.baseAddress!
            func run(_ bias: UnsafePointer<Float>?) {
                Parallel.chunks(rows, work: rows * c) { range, _ in
                    nas_add_bias(out + range.lowerBound * c, bias, range.count, Int32(c), lo, hi)
                }
            }
            if let b { b.withUnsafeBufferPointer { run($0.baseAddress!) } } else { run(nil) }
        }
    }

    // MARK: - Backward

    public func backward(_ dy: Tensor) -> Tensor {
        backward(dy, inside: -.infinity ... .infinity)
    }

    var keepsOutput: Bool { output != nil }

    func takeClampMask() -> ClosedRange<Float>? {
        guard let clamp, output != nil else { return nil }
        output = nil
        return clamp
    }

    func backward(_ dy: Tensor, inside: ClosedRange<Float>) -> Tensor {
        guard let x = input else { preconditionFailure("\(kind).backward without a training forward") }
        var dy = dy
        if let clamp, let output { dy = clampGradient(dy, output: output, clamp, inside: inside) }
        output = nil
        let sample = Array(x.shape.dropFirst())
        let s = try! Spatial(sample)
        let o = outputSpatial(s)
        // col2im and the depthwise kernel add into dx; the other paths write all of it.
        let overwrites = isPointwise || transposesForInputGradient
        let dxShape = needsInputGradient ? x.shape : [0]
        var dx = overwrites ? Tensor(uninitialized: dxShape) : Tensor(zeros: dxShape)
        let chunks = Parallel.chunkCount(x.batch)
        let work = 2 * x.batch * macs(sample)
        var partial = [Float](repeating: 0, count: chunks * weight.count)
        let flipped = needsInputGradient && transposesForInputGradient ? inputGradientWeights() : []
        x.data.withUnsafeBufferPointer { xp in
            dy.data.withUnsafeBufferPointer { dyp in
                weight.value.withUnsafeBufferPointer { wp in
                    dx.data.withUnsafeMutableBufferPointer { dxp in
                        partial.withUnsafeMutableBufferPointer { pp in
                          flipped.withUnsafeBufferPointer { fp in
                            let xb = xp.baseAddress!, db = dyp.baseAddress!, wb = wp.baseAddress!
                            let dxb = needsInputGradient ? dxp.baseAddress : nil, pb = pp.baseAddress!
                            let fb = flipped.isEmpty ? nil : fp.baseAddress
                            Parallel.chunks(x.batch, work: work) { range, chunk in
                                let dw = pb + chunk * weight.count
                                if isPointwise {
                                    pointwiseBackward(xb, db, wb, dxb, dw, s, range)
                                } else if isDepthwise {
                                    for n in range {
                                        depthwiseBackward(xb + n * s.positions * inChannels, s, db + n * o.positions * outChannels, o,
                                                          wb, dxb.map { $0 + n * s.positions * inChannels }, dw)
                                    }
                                } else if usesImplicitGemm {
                                    implicitBackward(xb, s, db, wb, flipped: fb, dxb, dw, samples: range)
                                } else {
                                    convolveBackward(xb, s, db, o, wb, dxb, dw, range)
                                }
                            }
                          }
                        }
                    }
                }
            }
        }
        reduce(partial, chunks: chunks, into: weight)
        if let bias { accumulateBiasGradient(dy, bias) }
        input = nil
        return dx
    }

    private func pointwiseBackward(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                                   _ dx: UnsafeMutablePointer<Float>?, _ dw: UnsafeMutablePointer<Float>,
                                   _ s: Spatial, _ range: Range<Int>) {
        let rows = range.count * s.positions, first = range.lowerBound * s.positions
        // dW[Cin, Cout] += X^T dY
        nas_sgemm(Int32(inChannels), Int32(outChannels), Int32(rows), x + first * inChannels, 1, inChannels,
                  dy + first * outChannels, outChannels, 1, dw, outChannels, 1)
        // dX[rows, Cin] = dY W^T
        if let dx {
            nas_sgemm(Int32(rows), Int32(inChannels), Int32(outChannels), dy + first * outChannels, outChannels, 1,
                      w, 1, outChannels, dx + first * inChannels, inChannels, 0)
        }
    }

    private func convolveBackward(_ x: UnsafePointer<Float>, _ s: Spatial, _ dy: UnsafePointer<Float>, _ o: Spatial,
                                  _ w: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>?,
                                  _ dw: UnsafeMutablePointer<Float>, _ samples: Range<Int>) {
        let gc = inChannels / groups, gco = outChannels / groups
        let row = kernel.height * kernel.width * gc
        let perBlock = block(o)
        var cols = [Float](unsafeUninitializedCapacity: perBlock * o.positions * row) { _, n in n = perBlock * o.positions * row }
        cols.withUnsafeMutableBufferPointer { cp in
            let c = cp.baseAddress!
            var n0 = samples.lowerBound
            while n0 < samples.upperBound {
                let count = min(perBlock, samples.upperBound - n0)
                let rows = count * o.positions
                let dyBlock = dy + n0 * o.positions * outChannels
                for g in 0..<groups {
                    for i in 0..<count {
                        im2col(x + (n0 + i) * s.positions * inChannels, s, g * gc, gc, o, c + i * o.positions * row)
                    }
                    // dW_g[row, gco] += cols^T dY_g
                    nas_sgemm(Int32(row), Int32(gco), Int32(rows), c, 1, row,
                              dyBlock + g * gco, outChannels, 1, dw + g * gco, outChannels, 1)
                    guard let dx else { continue }
                    // dCols[rows, row] = dY_g W_g^T, then scattered back into dx.
                    nas_sgemm(Int32(rows), Int32(row), Int32(gco), dyBlock + g * gco, outChannels, 1,
                              w + g * gco, 1, outChannels, c, row, 0)
                    for i in 0..<count {
                        nas_col2im(c + i * o.positions * row, Int32(s.height), Int32(s.width), Int32(s.channels),
                                   Int32(g * gc), Int32(gc), Int32(kernel.height), Int32(kernel.width), Int32(stride),
                                   Int32(padding.height), Int32(padding.width), Int32(o.height), Int32(o.width),
                                   dx + (n0 + i) * s.positions * inChannels)
                    }
                }
                n0 += count
            }
        }
    }

    private func depthwiseBackward(_ x: UnsafePointer<Float>, _ s: Spatial, _ dy: UnsafePointer<Float>, _ o: Spatial,
                                   _ w: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>?,
                                   _ dw: UnsafeMutablePointer<Float>) {
        let c = inChannels
        forEachDepthwiseTap(s, o) { out, input, k in
            let g = dy + out, xi = x + input, dwk = dw + k
            for ch in 0..<c { dwk[ch] += xi[ch] * g[ch] }
            if let dx {
                let d = dx + input, wk = w + k
                for ch in 0..<c { d[ch] += wk[ch] * g[ch] }
            }
        }
    }

    /// db[c] += the sum of dy's channel c, row after row. Each channel's sum is one sequential
    /// chain, so threads split the channels (in blocks of 16, one 64-byte line of a row), never the rows.
    private func accumulateBiasGradient(_ dy: Tensor, _ bias: Parameter) {
        let c = outChannels, rows = dy.count / c
        dy.data.withUnsafeBufferPointer { dp in
            bias.gradient.withUnsafeMutableBufferPointer { gp in
                let g = dp.baseAddress!, db = gp.baseAddress!
                Parallel.independentPieces(c, granularity: 16, work: dy.count) { channels in
                    nas_bias_gradient_channels(g, rows, Int32(c), Int32(channels.lowerBound), Int32(channels.upperBound), db)
                }
            }
        }
    }
}

/// Sums per-chunk gradient partials in chunk order (deterministic) into the parameter. Each
/// weight's sum runs over the chunks in order, so threads split the weights, not the chunks.
func reduce(_ partial: [Float], chunks: Int, into parameter: Parameter) {
    let n = parameter.count
    partial.withUnsafeBufferPointer { pp in
        parameter.gradient.withUnsafeMutableBufferPointer { gp in
            let src = pp.baseAddress!, g = gp.baseAddress!
            Parallel.independentPieces(n, granularity: 16, work: n * chunks) { weights in
                for w in 0..<chunks {
                    let part = src + w * n
                    for i in weights { g[i] += part[i] }
                }
            }
        }
    }
}
