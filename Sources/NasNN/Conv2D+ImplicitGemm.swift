import CNasKernels

/// Ungrouped convolutions without im2col ("implicit GEMM").
///
/// In a zero-padded NHWC image, the input value a convolution's output position (oy, ox)
/// multiplies by tap (ky, kx, ci) sits at position offset ((oy s) Wp + ox s) C plus tap offset
/// (ky Wp + kx) C + ci, where s is the stride and Wp the padded width. So the im2col matrix
/// is A(i, k) = P[row(i) + tap(k)], and `nas_sgemm_indexed` multiplies through those two
/// offset tables instead of copying KH*KW values per position: the same kernels and, with
/// K in im2col's (ky, kx, ci) order, the same arithmetic as im2col and one GEMM, at the cost
/// of one padded copy of the input (none without padding). The weight gradient is the same
/// matrix transposed (taps as rows, positions as the depth). The input gradient of a stride-1
/// convolution is itself a stride-1 convolution, of the output gradient padded by KH-1-ph
/// (KW-1-pw) with the weights flipped and transposed, so it is computed the same way, written
/// in place, with no scatter (col2im) pass; strided ones keep the dY W^T plus col2im route.
extension Conv2D {
    /// Whether forward and the weight gradient take this path.
    var usesImplicitGemm: Bool { groups == 1 && !isPointwise }

    /// Whether the input gradient is computed as a convolution (stride 1, padding no wider
    /// than the kernel, so the output gradient's padding is not negative).
    var transposesForInputGradient: Bool {
        usesImplicitGemm && stride == 1 && padding.height <= kernel.height - 1 && padding.width <= kernel.width - 1
    }

    /// An image stored with zero borders: `top` rows above and below, `left` columns on each side.
    struct PaddedImage {
        let s: Spatial
        let top: Int, left: Int
        var height: Int { s.height + 2 * top }
        var width: Int { s.width + 2 * left }
        /// Floats per padded sample.
        var floats: Int { height * width * s.channels }
        var isPadded: Bool { top > 0 || left > 0 }

        /// Copies `count` samples from the compact layout into `p`, zeroing only the borders
        /// (a whole-buffer clear before the copy cost a third as much as the copy itself).
        func fill(_ p: UnsafeMutablePointer<Float>, from x: UnsafePointer<Float>, count: Int) {
            let c = s.channels, rowFloats = width * c, side = left * c
            for n in 0..<count {
                let src = x + n * s.positions * c, dst = p + n * floats
                // The top rows and the first row's left border, then each row, then the last
                // row's right border and the bottom rows.
                dst.update(repeating: 0, count: top * rowFloats + side)
                for y in 0..<s.height {
                    let row = dst + (y + top) * rowFloats
                    (row + side).update(from: src + y * s.width * c, count: s.width * c)
                    // This row's right border and the next row's left border are adjacent.
                    if y < s.height - 1 { (row + side + s.width * c).update(repeating: 0, count: 2 * side) }
                }
                (dst + (top + s.height - 1) * rowFloats + side + s.width * c).update(repeating: 0, count: top * rowFloats + side)
            }
        }

        /// The offset of each output position's first tap, sample after sample, for an output
        /// of `o` positions taken every `stride` pixels.
        func positionOffsets(count: Int, output o: Spatial, stride: Int) -> [Int] {
            var offsets: [Int] = []
            offsets.reserveCapacity(count * o.positions)
            for n in 0..<count {
                for oy in 0..<o.height {
                    for ox in 0..<o.width { offsets.append(n * floats + (oy * stride * width + ox * stride) * s.channels) }
                }
            }
            return offsets
        }

        /// The offset of each tap (ky, kx, ci) from its position's first, in im2col's order.
        func tapOffsets(kernel: (height: Int, width: Int)) -> [Int] {
            var offsets: [Int] = []
            offsets.reserveCapacity(kernel.height * kernel.width * s.channels)
            for ky in 0..<kernel.height {
                for kx in 0..<kernel.width {
                    for ci in 0..<s.channels { offsets.append((ky * width + kx) * s.channels + ci) }
                }
            }
            return offsets
        }
    }

    /// The input image as the forward pass reads it.
    func paddedInput(_ s: Spatial) -> PaddedImage { PaddedImage(s: s, top: padding.height, left: padding.width) }

    /// The output gradient as the input gradient's convolution reads it.
    func paddedOutputGradient(_ o: Spatial) -> PaddedImage {
        PaddedImage(s: o, top: kernel.height - 1 - padding.height, left: kernel.width - 1 - padding.width)
    }

    /// The weights of the input gradient's convolution: w'[ky, kx, o, ci] = w[KH-1-ky, KW-1-kx, ci, o].
    func inputGradientWeights() -> [Float] {
        let kh = kernel.height, kw = kernel.width, cin = inChannels, cout = outChannels
        var flipped = [Float](repeating: 0, count: weight.count)
        weight.value.withUnsafeBufferPointer { w in
            for ky in 0..<kh {
                for kx in 0..<kw {
                    let source = ((kh - 1 - ky) * kw + (kw - 1 - kx)) * cin * cout, target = (ky * kw + kx) * cout * cin
                    for ci in 0..<cin {
                        for o in 0..<cout { flipped[target + o * cin + ci] = w[source + ci * cout + o] }
                    }
                }
            }
        }
        return flipped
    }

    /// Forward for samples in `range`, `block(o)` samples per GEMM: y = clamp(conv(x) + bias),
    /// the bias pass per block while its output is in cache, skipped when `finish` is false
    /// (neither a bias nor a clamp). With `moments` (this chunk's sums, then sums of squares),
    /// the finished block's per-channel moments are added there before the next block evicts it,
    /// as one `nas_channel_moments` over the whole range would (`BatchNorm.rowChunksAlign`).
    func implicitForward(_ x: UnsafePointer<Float>, _ s: Spatial, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                         samples range: Range<Int>, bias: UnsafePointer<Float>?, clamp: (lo: Float, hi: Float), finish: Bool,
                         moments: UnsafeMutablePointer<Double>? = nil) {
        let o = outputSpatial(s), image = paddedInput(s), perBlock = block(o)
        let positions = image.positionOffsets(count: min(perBlock, range.count), output: o, stride: stride)
        let taps = image.tapOffsets(kernel: kernel)
        let scratch = image.isPadded ? min(perBlock, range.count) * image.floats : 0
        var padded = [Float](unsafeUninitializedCapacity: scratch) { _, n in n = scratch }
        // The moments' float partials, carried from block to block (nas_channel_moments_resume).
        var partial = [Float](repeating: 0, count: moments == nil ? 0 : 2 * outChannels)
        let c = Int32(outChannels)
        partial.withUnsafeMutableBufferPointer { partialSums in
        positions.withUnsafeBufferPointer { rp in
            taps.withUnsafeBufferPointer { tp in
                padded.withUnsafeMutableBufferPointer { pp in
                    var n0 = range.lowerBound
                    while n0 < range.upperBound {
                        let count = min(perBlock, range.upperBound - n0), rows = count * o.positions
                        let source = x + n0 * s.positions * s.channels
                        if image.isPadded { image.fill(pp.baseAddress!, from: source, count: count) }
                        let out = y + n0 * o.positions * outChannels
                        nas_sgemm_indexed(Int32(rows), Int32(outChannels), Int32(taps.count),
                                          image.isPadded ? UnsafePointer(pp.baseAddress!) : source, rp.baseAddress!, 0, tp.baseAddress!, 0,
                                          w, nil, outChannels, 1, out, nil, outChannels, 0)
                        if finish { nas_add_bias(out, bias, rows, c, clamp.lo, clamp.hi) }
                        if let moments, let sums = partialSums.baseAddress {
                            nas_channel_moments_resume(out, rows, c, (n0 - range.lowerBound) * o.positions,
                                                       n0 + count == range.upperBound ? 1 : 0, sums, sums + outChannels,
                                                       moments, moments + outChannels)
                        }
                        n0 += count
                    }
                }
            }
        }
        }
    }

    /// Backward for samples in `range`: dW into `dw`, and dx when asked (written in full when
    /// `flipped`, the input gradient's weights, is given; else added into a zeroed dx).
    func implicitBackward(_ x: UnsafePointer<Float>, _ s: Spatial, _ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                          flipped: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?, _ dw: UnsafeMutablePointer<Float>,
                          samples range: Range<Int>) {
        let o = outputSpatial(s), image = paddedInput(s), perBlock = block(o), most = min(perBlock, range.count)
        let positions = image.positionOffsets(count: most, output: o, stride: stride)
        let taps = image.tapOffsets(kernel: kernel)
        let gradient = paddedOutputGradient(o)
        let gradientPositions = flipped == nil ? [] : gradient.positionOffsets(count: most, output: s, stride: 1)
        let gradientTaps = flipped == nil ? [] : gradient.tapOffsets(kernel: kernel)
        let row = taps.count
        // Scratch: the padded input block; the padded output gradient block, or im2col's dCols.
        let inputScratch = image.isPadded ? most * image.floats : 0
        let gradientScratch = dx == nil ? 0 : flipped != nil ? most * gradient.floats : most * o.positions * row
        var scratch = [Float](unsafeUninitializedCapacity: inputScratch + gradientScratch) { _, n in n = inputScratch + gradientScratch }
        positions.withUnsafeBufferPointer { rp in
            taps.withUnsafeBufferPointer { tp in
                gradientPositions.withUnsafeBufferPointer { grp in
                    gradientTaps.withUnsafeBufferPointer { gtp in
                        scratch.withUnsafeMutableBufferPointer { sp in
                            let paddedX = sp.baseAddress!, second = sp.baseAddress! + inputScratch
                            var n0 = range.lowerBound
                            while n0 < range.upperBound {
                                let count = min(perBlock, range.upperBound - n0), rows = count * o.positions
                                let source = x + n0 * s.positions * s.channels
                                if image.isPadded { image.fill(paddedX, from: source, count: count) }
                                let input = image.isPadded ? UnsafePointer(paddedX) : source
                                let gy = dy + n0 * o.positions * outChannels
                                // dW[tap, Cout] += A^T dY: taps as rows, positions as the depth.
                                nas_sgemm_indexed(Int32(row), Int32(outChannels), Int32(rows), input, tp.baseAddress!, 0,
                                                  rp.baseAddress!, 0, gy, nil, outChannels, 1, dw, nil, outChannels, 1)
                                if let dx {
                                    let target = dx + n0 * s.positions * inChannels
                                    if let flipped {
                                        gradient.fill(second, from: gy, count: count)
                                        nas_sgemm_indexed(Int32(count * s.positions), Int32(inChannels), Int32(gradientTaps.count),
                                                          second, grp.baseAddress!, 0, gtp.baseAddress!, 0,
                                                          flipped, nil, inChannels, 1, target, nil, inChannels, 0)
                                    } else {
                                        // dCols[rows, tap] = dY W^T, scattered back into dx.
                                        nas_sgemm(Int32(rows), Int32(row), Int32(outChannels), gy, outChannels, 1,
                                                  w, 1, outChannels, second, row, 0)
                                        for i in 0..<count {
                                            nas_col2im(second + i * o.positions * row, Int32(s.height), Int32(s.width),
                                                       Int32(s.channels), 0, Int32(s.channels), Int32(kernel.height),
                                                       Int32(kernel.width), Int32(stride), Int32(padding.height),
                                                       Int32(padding.width), Int32(o.height), Int32(o.width),
                                                       target + i * s.positions * inChannels)
                                        }
                                    }
                                }
                                n0 += count
                            }
                        }
                    }
                }
            }
        }
    }
}
