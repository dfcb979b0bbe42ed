import CNasKernels

/// Stride-1 "same" convolutions without im2col.
///
/// With the input zero-padded to width Wp = W + KW - 1, the KW taps of one kernel row, for all
/// channels, are KW*C consecutive floats, and consecutive output positions start C floats
/// apart. So for each kernel row ky the convolution is one GEMM whose A rows are overlapping
/// views into the padded image (row stride C, length KW*C); the output is computed Wp wide and
/// its KW-1 extra columns are dropped. The backward passes use the same views: the weight
/// gradient reads them transposed, and the input gradient accumulates into overlapping rows,
/// which the GEMM's row-by-row read-add-write makes exact. This trades im2col's KH*KW-fold
/// copy for one padded copy of the input and the output.
extension Conv2D {
    /// Whether `forward`/`backward` take this path for a per-sample input.
    func usesShiftedRows(_ s: Spatial) -> Bool {
        groups == 1 && stride == 1 && kernel.width > 1 && s.positions >= 256
            && padding == ((kernel.height - 1) / 2, (kernel.width - 1) / 2)
            && kernel.height % 2 == 1 && kernel.width % 2 == 1
    }

    /// Geometry of a block of samples stacked as one tall padded image.
    struct ShiftedGeometry {
        let s: Spatial
        let padH: Int, padW: Int
        var paddedHeight: Int { s.height + 2 * padH }
        var paddedWidth: Int { s.width + 2 * padW }
        /// Rows of the wide output per sample (one per padded pixel).
        var rowsPerSample: Int { paddedHeight * paddedWidth }
        /// Floats of padded input per sample.
        var paddedPerSample: Int { rowsPerSample * s.channels }
    }

    func shiftedGeometry(_ s: Spatial) -> ShiftedGeometry {
        ShiftedGeometry(s: s, padH: padding.height, padW: padding.width)
    }

    /// Copies samples into the stacked padded layout (borders zero); `tail` extra zeros let the
    /// last rows' views run past the end.
    func pad(_ x: UnsafePointer<Float>, count: Int, _ g: ShiftedGeometry, into p: UnsafeMutablePointer<Float>, tail: Int) {
        let c = g.s.channels
        p.update(repeating: 0, count: count * g.paddedPerSample + tail)
        for n in 0..<count {
            let src = x + n * g.s.positions * c
            let dst = p + n * g.paddedPerSample
            for y in 0..<g.s.height {
                (dst + ((y + g.padH) * g.paddedWidth + g.padW) * c).update(from: src + y * g.s.width * c, count: g.s.width * c)
            }
        }
    }

    /// Forward for samples in `range`: y (compact) = clamp(conv(x) + bias) from x, one sample
    /// at a time (its padded copy and wide output stay in cache). Only the H output rows of
    /// the wide output are computed, not the padding rows below them.
    func shiftedForward(_ x: UnsafePointer<Float>, _ s: Spatial, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                        samples range: Range<Int>, bias: UnsafePointer<Float>?, clamp: (lo: Float, hi: Float)) {
        let g = shiftedGeometry(s), c = s.channels, row = kernel.width * c
        let rows = s.height * g.paddedWidth
        // The last output row's views reach KW - 1 pixels past the padded image.
        let tail = (kernel.width - 1) * c
        var padded = [Float](unsafeUninitializedCapacity: g.paddedPerSample + tail) { _, n in n = g.paddedPerSample + tail }
        var wide = [Float](unsafeUninitializedCapacity: rows * outChannels) { _, n in n = rows * outChannels }
        padded.withUnsafeMutableBufferPointer { pp in
            wide.withUnsafeMutableBufferPointer { wp in
                let p = pp.baseAddress!, out = wp.baseAddress!
                for n in range {
                    pad(x + n * s.positions * c, count: 1, g, into: p, tail: tail)
                    for ky in 0..<kernel.height {
                        nas_sgemm(Int32(rows), Int32(outChannels), Int32(row), p + ky * g.paddedWidth * c, c, 1,
                                  w + ky * row * outChannels, outChannels, 1, out, outChannels, ky == 0 ? 0 : 1)
                    }
                    // Output (oy, ox) is wide row oy * Wp + ox.
                    for oy in 0..<s.height {
                        nas_copy_bias(y + (n * s.positions + oy * s.width) * outChannels, out + oy * g.paddedWidth * outChannels,
                                      s.width, Int32(outChannels), bias, clamp.lo, clamp.hi)
                    }
                }
            }
        }
    }

    /// Backward for samples in `range`: dW into `dw`, and dx (compact) when asked.
    func shiftedBackward(_ x: UnsafePointer<Float>, _ s: Spatial, _ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                         _ dx: UnsafeMutablePointer<Float>?, _ dw: UnsafeMutablePointer<Float>, samples range: Range<Int>) {
        let g = shiftedGeometry(s), c = s.channels, row = kernel.width * c
        let count = range.count, rows = count * g.rowsPerSample
        let tail = (kernel.height - 1) * g.paddedWidth * c + row
        let paddedSize = count * g.paddedPerSample + tail
        var padded = [Float](unsafeUninitializedCapacity: paddedSize) { _, n in n = paddedSize }
        var wide = [Float](repeating: 0, count: rows * outChannels)
        padded.withUnsafeMutableBufferPointer { pp in
            wide.withUnsafeMutableBufferPointer { wp in
                let p = pp.baseAddress!, gw = wp.baseAddress!
                pad(x + range.lowerBound * s.positions * c, count: count, g, into: p, tail: tail)
                // dY in the wide layout, zero where the forward computed discarded columns.
                for n in 0..<count {
                    for oy in 0..<s.height {
                        (gw + (n * g.rowsPerSample + oy * g.paddedWidth) * outChannels)
                            .update(from: dy + ((range.lowerBound + n) * s.positions + oy * s.width) * outChannels,
                                    count: s.width * outChannels)
                    }
                }
                // dW_ky[KW*C, Cout] += view_ky^T dY, one GEMM block of rows at a time for all ky:
                // nas_sgemm sums K in blocks of NAS_GEMM_DEPTH_BLOCK rows, each block's chain then
                // added to C, so calling it block by block does the same arithmetic as one call
                // over all rows, while a block's rows of dY and of the padded input are read
                // for all KH taps while they are in cache (for a batch-64 chunk the two buffers
                // are 1.2 MB, past L2, and were streamed once per tap).
                let depthBlock = Int(NAS_GEMM_DEPTH_BLOCK)
                var k0 = 0
                while k0 < rows {
                    let depth = min(depthBlock, rows - k0)
                    for ky in 0..<kernel.height {
                        nas_sgemm(Int32(row), Int32(outChannels), Int32(depth), p + (k0 + ky * g.paddedWidth) * c, 1, c,
                                  gw + k0 * outChannels, outChannels, 1, dw + ky * row * outChannels, outChannels, 1)
                    }
                    k0 += depth
                }
                guard let dx else { return }
                // The padded buffer becomes the padded input gradient. Per sample, only the wide
                // rows of real output rows contribute (dY is zero on the others).
                p.update(repeating: 0, count: paddedSize)
                let outputRows = s.height * g.paddedWidth
                for n in 0..<count {
                    for ky in 0..<kernel.height {
                        // view_ky += dY W_ky^T, rows overlapping by (KW-1)*C.
                        nas_sgemm(Int32(outputRows), Int32(row), Int32(outChannels), gw + n * g.rowsPerSample * outChannels,
                                  outChannels, 1, w + ky * row * outChannels, 1, outChannels,
                                  p + n * g.paddedPerSample + ky * g.paddedWidth * c, c, 1)
                    }
                }
                for n in 0..<count {
                    let src = p + n * g.paddedPerSample
                    for iy in 0..<s.height {
                        (dx + ((range.lowerBound + n) * s.positions + iy * s.width) * c)
                            .update(from: src + ((iy + g.padH) * g.paddedWidth + g.padW) * c, count: s.width * c)
                    }
                }
            }
        }
    }
}
