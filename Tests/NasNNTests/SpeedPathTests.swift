import CNasKernels
import Foundation
import XCTest
@testable import NasNN

/// The training engine's fast paths must round exactly like the definitions they replace, so
/// trained results (and the goldens that print them) do not depend on which path ran.
final class SpeedPathTests: XCTestCase {
    /// nas_sgemm's rounding contract on FMA kernels: each C element is a fused multiply-add
    /// chain over k from zero within blocks of 256 k, each block's sum then added to C. The
    /// in-place AVX2 kernel (and the AVX-512 ones) must match it bit for bit.
    func testFusedKernelsRoundLikeTheContract() {
        defer { _ = nas_kernels_select(nil) }
        var rng = TestRng(state: 21)
        var checked = 0
        for isa in ["avx512", "avx2"] {
            guard nas_kernels_select(isa) == 1 else { continue }
            checked += 1
            for trial in 0..<40 {
                let m = 1 + Int(rng.next() % 40), n = 1 + Int(rng.next() % 70)
                let k = trial % 8 == 0 ? 257 + Int(rng.next() % 300) : 1 + Int(rng.next() % 60)
                let transA = rng.next() % 2 == 0, accumulate = rng.next() % 2 == 0
                let a = (0..<(m * k)).map { _ in rng.uniform() }, b = (0..<(k * n)).map { _ in rng.uniform() }
                var c = (0..<(m * n)).map { _ in rng.uniform() }
                let (rsa, csa) = transA ? (1, m) : (k, 1)
                var expected = c
                for i in 0..<m {
                    for j in 0..<n {
                        var k0 = 0
                        while k0 < k {
                            var sum: Float = 0
                            for p in k0..<min(k, k0 + 256) { sum.addProduct(a[i * rsa + p * csa], b[p * n + j]) }
                            expected[i * n + j] = accumulate || k0 > 0 ? expected[i * n + j] + sum : sum
                            k0 += 256
                        }
                    }
                }
                nas_sgemm(Int32(m), Int32(n), Int32(k), a, rsa, csa, b, n, 1, &c, n, accumulate ? 1 : 0)
                XCTAssertEqual(c, expected, "\(isa) m\(m) n\(n) k\(k) transA \(transA) accumulate \(accumulate)")
            }
        }
        if checked == 0 { print("no FMA kernel on this CPU; the contract is not checked") }
    }

    /// The pool runs every chunk exactly once, for any thread count, region after region, and
    /// a region started inside a region runs on the calling thread.
    func testPoolRunsEveryChunkOnce() {
        // A raw buffer, not a Swift array: chunks write distinct slots from several threads at
        // once, and an array's withUnsafeMutableBufferPointer moves its storage out while the
        // closure runs, so concurrent calls on one array race (the test itself would lose hits).
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: 8)
        defer { hits.deallocate() }
        for threads in [1, 2, 3, 8] {
            for _ in 0..<200 {
                hits.initialize(repeating: 0, count: 8)
                nas_parallel_for(8, Int32(threads), { context, chunk in
                    context!.assumingMemoryBound(to: Int.self)[Int(chunk)] += 1
                }, hits)
                XCTAssertEqual(Array(UnsafeBufferPointer(start: hits, count: 8)), [Int](repeating: 1, count: 8), "\(threads) threads")
            }
        }
        defer { Parallel.threads = 0 }
        Parallel.threads = 2
        var outer = [Int](repeating: 0, count: 8)
        outer.withUnsafeMutableBufferPointer { o in
            let out = o.baseAddress!
            Parallel.chunks(8, work: 1 << 20) { range, chunk in
                var inner = 0
                Parallel.chunks(8, work: 1 << 20) { r, _ in inner += r.count }
                out[chunk] = inner + range.count
            }
        }
        XCTAssertEqual(outer, [Int](repeating: 9, count: 8))
    }

    /// Regions far apart (the workers have gone to sleep) and chunks slower than the spin
    /// window (the caller goes to sleep waiting for the last one) still run every chunk once and
    /// return only when all have run.
    func testPoolAcrossSleepsRunsEveryChunkOnce() {
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: 8)
        defer { hits.deallocate() }
        for round in 0..<20 {
            hits.initialize(repeating: 0, count: 8)
            nas_parallel_for(8, 2, { context, chunk in
                // Chunk 7 (or every chunk on odd rounds) outlasts the 50 us spin window.
                let slow = chunk == 7 || Int(chunk) % 2 == 1
                if slow { usleep(300) }
                context!.assumingMemoryBound(to: Int.self)[Int(chunk)] += 1
            }, hits)
            XCTAssertEqual(Array(UnsafeBufferPointer(start: hits, count: 8)), [Int](repeating: 1, count: 8), "round \(round)")
            usleep(round % 2 == 0 ? 2000 : 20)  // long enough for the worker to sleep, or not
        }
    }

    /// Idle workers park: a pool that runs a short region every millisecond spends about its
    /// spin window (50 us) of CPU per gap, not the whole gap; the pool before this one spun for
    /// 16k pauses (about 0.5 ms on this CPU kind) after every region and used ~30 ms here.
    func testIdlePoolWorkersPark() {
        func cpuSeconds() -> Double { Double(clock()) / Double(CLOCKS_PER_SEC) }  // the process's, all threads
        let sink = UnsafeMutablePointer<Int>.allocate(capacity: 8)
        defer { sink.deallocate() }
        nas_parallel_for(8, 2, { context, chunk in context!.assumingMemoryBound(to: Int.self)[Int(chunk)] = 0 }, sink)
        let gaps = 60
        let start = cpuSeconds()
        for _ in 0..<gaps {
            nas_parallel_for(8, 2, { context, chunk in context!.assumingMemoryBound(to: Int.self)[Int(chunk)] += 1 }, sink)
            usleep(1000)
        }
        let spent = cpuSeconds() - start
        XCTAssertLessThan(spent, 0.012, "\(gaps) idle gaps of 1 ms cost \(spent * 1000) ms of CPU: idle workers keep spinning")
    }

    /// independentPieces covers 0..<count exactly once, in pieces that start on a multiple of
    /// the granularity, one per thread (a single piece at one thread or for small work).
    func testIndependentPiecesCoverEveryItemOnce() {
        defer { Parallel.threads = 0 }
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: 100)
        defer { hits.deallocate() }
        for threads in [1, 2, 3] {
            Parallel.threads = threads
            for (count, granularity) in [(1, 8), (7, 8), (16, 8), (100, 16), (37, 1)] {
                hits.initialize(repeating: 0, count: 100)
                let pieces = UnsafeMutablePointer<Int>.allocate(capacity: 1)
                defer { pieces.deallocate() }
                pieces.pointee = 0
                let lock = NSLock()
                Parallel.independentPieces(count, granularity: granularity, work: 1 << 20) { range in
                    XCTAssertEqual(range.lowerBound % granularity, 0)
                    for i in range { hits[i] += 1 }
                    lock.lock(); pieces.pointee += 1; lock.unlock()
                }
                XCTAssertEqual(Array(UnsafeBufferPointer(start: hits, count: count)), [Int](repeating: 1, count: count),
                               "\(count) items in steps of \(granularity), \(threads) threads")
                XCTAssertEqual(pieces.pointee, min(threads, (count + granularity - 1) / granularity))
            }
        }
    }

    /// A convolution with its ReLU fused equals the convolution followed by the ReLU layer,
    /// forward and backward, bit for bit, on the im2col, shifted-rows and 1x1 paths.
    func testFusedReLUMatchesSeparateLayer() throws {
        for (shape, kernel, stride) in [([2, 9, 9, 3], 3, 2), ([2, 16, 16, 4], 3, 1), ([3, 6, 6, 5], 1, 1), ([2, 300, 3], 5, 1)] {
            var g = TestRng(state: 8)
            let oneD = shape.count == 3
            let conv = Conv2D(inChannels: shape.last!, outChannels: 6, kernel: kernel, stride: stride,
                              padding: kernel == 1 ? 0 : nil, oneDimensional: oneD, rng: &g)
            let relu = Activation(.relu6)
            let x = g.tensor(shape)
            for p in conv.parameters { p.value = p.value.map { $0 * 3 } }  // values past 6 too
            let separate = relu.forward(conv.forward(x, training: true), training: true)
            let r = g.tensor(separate.shape)
            conv.parameters.forEach { $0.zeroGradient() }
            let dxSeparate = conv.backward(relu.backward(r))
            let gradients = conv.parameters.map(\.gradient)

            let fused = conv.forward(x, training: true, clamp: 0...6)
            XCTAssertEqual(fused, separate, "forward \(shape)")
            conv.parameters.forEach { $0.zeroGradient() }
            XCTAssertEqual(conv.backward(r), dxSeparate, "dx \(shape)")
            XCTAssertEqual(conv.parameters.map(\.gradient), gradients, "parameter gradients \(shape)")
        }
    }

    /// Moments summed in pieces (nas_channel_moments_resume, as a convolution hands its output
    /// over block by block) are bit for bit those of one nas_channel_moments over the run, for
    /// pieces that do and do not meet its 256-row flushes.
    func testMomentsInPiecesMatchOneCall() {
        var g = TestRng(state: 31)
        for (rows, piece, c) in [(1000, 100, 16), (700, 256, 8), (513, 1, 3), (300, 300, 32), (1024, 500, 64)] {
            let x = (0..<(rows * c)).map { _ in g.uniform(-2, 3) }
            var sum = [Double](repeating: 0, count: c), square = sum
            nas_channel_moments(x, rows, Int32(c), &sum, &square)
            var sumP = [Double](repeating: 0, count: c), squareP = sumP
            var partial = [Float](repeating: .nan, count: 2 * c)  // cleared by the first piece
            x.withUnsafeBufferPointer { xp in
                partial.withUnsafeMutableBufferPointer { pp in
                    var r0 = 0
                    while r0 < rows {
                        let n = min(piece, rows - r0)
                        nas_channel_moments_resume(xp.baseAddress! + r0 * c, n, Int32(c), r0, r0 + n == rows ? 1 : 0,
                                                   pp.baseAddress!, pp.baseAddress! + c, &sumP, &squareP)
                        r0 += n
                    }
                }
            }
            XCTAssertEqual(sumP, sum, "sums, \(rows) rows in pieces of \(piece)")
            XCTAssertEqual(squareP, square, "squares, \(rows) rows in pieces of \(piece)")
        }
    }

    /// The per-channel reductions (moments, the batch norm's backward sums, with and without a
    /// clamp mask, and the bias gradient over a channel range) against their definition: per
    /// channel one float sum row after row, added into the double after every 256 rows. The
    /// kernels keep 16 channels' sums in registers at a time; channel counts below, at and past
    /// one block and between blocks check that the blocks change no bit.
    func testChannelReductionsMatchTheirDefinition() {
        var g = TestRng(state: 47)
        for (rows, c) in [(700, 3), (513, 16), (300, 24), (1030, 64), (257, 40)] {
            let x = (0..<(rows * c)).map { _ in g.uniform(-2, 3) }, dy = (0..<(rows * c)).map { _ in g.uniform(-1, 1) }
            let y = (0..<(rows * c)).map { _ in g.uniform(-0.5, 6.5) }
            let mean = (0..<c).map { _ in g.uniform(-1, 1) }, inv = (0..<c).map { _ in g.uniform(0.5, 2) }
            // The definition, one channel at a time.
            func flushedSums(_ term: (Int, Int) -> (Float, Float)) -> ([Double], [Double]) {
                var first = [Double](repeating: 0.25, count: c), second = first
                for ch in 0..<c {
                    var s: Float = 0, q: Float = 0
                    for r in 0..<rows {
                        let (a, b) = term(r, ch)
                        s += a; q += b
                        if r & 255 == 255 || r == rows - 1 { first[ch] += Double(s); second[ch] += Double(q); s = 0; q = 0 }
                    }
                }
                return (first, second)
            }
            func xhat(_ r: Int, _ ch: Int) -> Float { (x[r * c + ch] - mean[ch]) * inv[ch] }
            func masked(_ r: Int, _ ch: Int) -> Float { let v = y[r * c + ch]; return v > 0 && v < 6 ? dy[r * c + ch] : 0 }
            let moments = flushedSums { r, ch in (x[r * c + ch], x[r * c + ch] * x[r * c + ch]) }
            let dot = flushedSums { r, ch in (dy[r * c + ch], dy[r * c + ch] * xhat(r, ch)) }
            let dotMasked = flushedSums { r, ch in (masked(r, ch), masked(r, ch) * xhat(r, ch)) }
            var sum = [Double](repeating: 0.25, count: c), square = sum
            nas_channel_moments(x, rows, Int32(c), &sum, &square)
            XCTAssertEqual(sum, moments.0, "moment sums, \(c) channels"); XCTAssertEqual(square, moments.1, "squares, \(c) channels")
            var sg = [Double](repeating: 0.25, count: c), sgh = sg
            nas_channel_dot(dy, x, mean, inv, rows, Int32(c), &sg, &sgh)
            XCTAssertEqual(sg, dot.0, "dot sums, \(c) channels"); XCTAssertEqual(sgh, dot.1, "dot products, \(c) channels")
            var mg = [Double](repeating: 0.25, count: c), mgh = mg
            nas_channel_dot_masked(dy, x, mean, inv, y, 0, 6, -.infinity, .infinity, rows, Int32(c), &mg, &mgh)
            XCTAssertEqual(mg, dotMasked.0, "masked sums, \(c) channels"); XCTAssertEqual(mgh, dotMasked.1, "masked products, \(c) channels")
            // The bias gradient over channels lo ..< hi only, the others untouched.
            for (lo, hi) in [(0, c), (c / 3, c), (0, (c + 1) / 2)] {
                var db = (0..<c).map { Float($0) / 8 }
                var expected = db
                for ch in lo..<hi { for r in 0..<rows { expected[ch] += dy[r * c + ch] } }
                nas_bias_gradient_channels(dy, rows, Int32(c), Int32(lo), Int32(hi), &db)
                XCTAssertEqual(db, expected, "bias gradient, \(c) channels, \(lo)..<\(hi)")
            }
        }
    }

    /// A convolution that sums the moments of the batch norm after it (Sequential fuses the
    /// pair where their chunks meet) trains bit for bit like the two layers run on their own:
    /// outputs, running statistics and every gradient, at 1 and 2 threads, for batches whose
    /// chunks meet (several blocks per chunk, blocks across 256-row flushes) and do not.
    func testConvolutionMomentsFusedIntoBatchNormMatchSeparateLayers() throws {
        defer { Parallel.threads = 0 }
        for (shape, stride, aligned) in [([80, 10, 10, 3], 1, true), ([8, 32, 32, 4], 1, true), ([16, 9, 9, 5], 2, true),
                                         ([3, 8, 8, 3], 1, false), ([12, 7, 7, 2], 1, false)] {
            for threads in [1, 2] {
                Parallel.threads = threads
                func layers() -> (Conv2D, BatchNorm, Activation) {
                    var g = TestRng(state: 5)
                    let conv = Conv2D(inChannels: shape.last!, outChannels: 6, kernel: 3, stride: stride, rng: &g)
                    conv.bias!.value = conv.bias!.value.indices.map { Float($0) * 0.25 - 0.5 }
                    return (conv, BatchNorm(channels: 6), Activation(.relu))
                }
                var g = TestRng(state: 9)
                let x = g.tensor(shape)
                let (conv, norm, relu) = layers()
                XCTAssertEqual(conv.forward(x, momentsFor: norm) != nil, aligned, "fused path taken, \(shape)")
                let separate = relu.forward(norm.forward(conv.forward(x, training: true), training: true), training: true)
                let r = g.tensor(separate.shape)
                let dxSeparate = conv.backward(norm.backward(relu.backward(r)))
                let (fConv, fNorm, fRelu) = layers()
                let model = Sequential([fConv, fNorm, fRelu])
                let fused = model.forward(x, training: true)
                XCTAssertEqual(fused, separate, "forward \(shape), \(threads) threads")
                XCTAssertEqual(fNorm.runningMean, norm.runningMean, "running mean \(shape)")
                XCTAssertEqual(fNorm.runningVariance, norm.runningVariance, "running variance \(shape)")
                XCTAssertEqual(model.backward(r), dxSeparate, "dx \(shape), \(threads) threads")
                XCTAssertEqual(model.parameters.map(\.gradient), (conv.parameters + norm.parameters).map(\.gradient),
                               "parameter gradients \(shape), \(threads) threads")
            }
        }
    }

    /// A FakeQuant right after a layer with a fused ReLU has its straight-through mask applied
    /// by that layer's backward (Sequential hands it over): bit for bit the gradients of
    /// running every layer on its own, for batch norm, convolution and residual producers,
    /// on a second step whose larger outputs fall outside the range of the first.
    func testFakeQuantMaskFusedIntoProducerMatchesSeparateLayers() {
        func layers(_ producer: String) -> [Layer] {
            var g = TestRng(state: 12)
            let conv = Conv2D(inChannels: 3, outChannels: 8, kernel: 3, rng: &g)
            switch producer {
            case "batchnorm": return [conv, BatchNorm(channels: 8), Activation(.relu), FakeQuant(), Pool(.max, size: 2), FakeQuant()]
            case "conv": return [conv, Activation(.relu6), FakeQuant()]
            default: return [conv, Residual(body: [Conv2D(inChannels: 8, outChannels: 8, kernel: 3, rng: &g)]), Activation(.relu), FakeQuant()]
            }
        }
        for producer in ["batchnorm", "conv", "residual"] {
            let separate = layers(producer), network = Sequential(layers(producer))
            var g = TestRng(state: 4)
            for step in 0..<2 {
                if step == 1 {
                    // Three times the weights (and batch norm's gamma and beta): outputs past the range.
                    for p in separate.flatMap(\.parameters) + network.parameters { p.value = p.value.map { $0 * 3 } }
                }
                let x = g.tensor([4, 8, 8, 3])
                var y = x, quantized: Tensor?
                for layer in separate {
                    if layer is FakeQuant, quantized == nil { quantized = y }
                    y = layer.forward(y, training: true)
                }
                if step == 1 {
                    // The larger outputs go past the range the FakeQuant tracks: its mask has zeros.
                    let first = separate.first { $0 is FakeQuant } as! FakeQuant
                    XCTAssertGreaterThan(quantized!.data.max()!, first.high * 1.5, "\(producer): nothing clipped")
                }
                XCTAssertEqual(network.forward(x, training: true), y, "\(producer) step \(step) forward")
                assertSameBackward(network, separate, outputShape: y.shape, rng: &g, "\(producer) step \(step)")
            }
        }
    }

    /// Backpropagates one random output gradient through `network` (fused) and through the
    /// `separate` layers one by one, after the same forward, and asserts equal gradients.
    private func assertSameBackward(_ network: Sequential, _ separate: [Layer], outputShape: [Int], rng: inout TestRng,
                                    _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let r = rng.tensor(outputShape)
        var dx = r
        for layer in separate.reversed() { dx = layer.backward(dx) }
        XCTAssertEqual(network.backward(r), dx, "\(label) input gradient", file: file, line: line)
        XCTAssertEqual(network.parameters.map(\.gradient), separate.flatMap(\.parameters).map(\.gradient),
                       "\(label) parameter gradients", file: file, line: line)
    }

    /// A max pool after a convolution with a fused ReLU or ReLU6 applies the clamp's gradient
    /// mask at its argmax positions instead of the convolution's pass over the whole gradient:
    /// bit for bit the separate layers' gradients, with overlapping windows and clipped outputs;
    /// with a FakeQuant between them (clipped ranges included) the convolution keeps its pass.
    func testClampMaskAppliedByMaxPoolMatchesSeparateLayers() {
        func layers(_ relu6: Bool, quantized: Bool, pool: Pool, oneD: Bool) -> [Layer] {
            var g = TestRng(state: 31)
            let conv = Conv2D(inChannels: 3, outChannels: 8, kernel: 3, oneDimensional: oneD, rng: &g)
            let activation = Activation(relu6 ? .relu6 : .relu)
            // No FakeQuant after the pool: its mask would zero the very gradients the first one's
            // mask is tested on (a clipped value pools to the clipped level, past the second range).
            return quantized ? [conv, activation, FakeQuant(), pool] : [conv, activation, pool]
        }
        var checked = 0
        for (relu6, quantized, size, stride, oneD) in [(false, false, 2, 2, false), (true, false, 3, 2, false), (false, true, 2, 2, false),
                                                      (true, true, 3, 1, false), (false, false, 2, 2, true), (true, true, 3, 2, true)] {
            let label = "relu6 \(relu6) quantized \(quantized) pool \(size)/\(stride) 1-D \(oneD)"
            let pool = { Pool(.max, size: size, stride: stride, oneDimensional: oneD) }
            let separate = layers(relu6, quantized: quantized, pool: pool(), oneD: oneD)
            let network = Sequential(layers(relu6, quantized: quantized, pool: pool(), oneD: oneD))
            var g = TestRng(state: 5)
            for step in 0..<2 {
                if step == 1 {
                    // Three times the weights: outputs past 6 and past the fake-quant range.
                    for p in separate.flatMap(\.parameters) + network.parameters { p.value = p.value.map { $0 * 3 } }
                }
                let x = g.tensor(oneD ? [3, 20, 3] : [3, 9, 9, 3])
                var y = x
                for layer in separate { y = layer.forward(y, training: true) }
                XCTAssertEqual(network.forward(x, training: true), y, "\(label) step \(step) forward")
                XCTAssertTrue((network.layers[quantized ? 3 : 2] as! Pool).canApplyClampMask, "\(label): the pool applies no mask")
                assertSameBackward(network, separate, outputShape: y.shape, rng: &g, "\(label) step \(step)")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 12)
    }

    /// FakeQuant's kernel against its definition (round half away from zero, clamp to int8,
    /// back to float; the mask marks values inside the range).
    func testFakeQuantMatchesDefinition() {
        var g = TestRng(state: 3)
        let layer = FakeQuant()
        for step in 0..<3 {
            let x = g.tensor([4, 37])
            let scaled = Tensor(shape: x.shape, data: x.data.map { $0 * Float(step + 1) })
            let y = layer.forward(scaled, training: true)
            let lo = min(layer.low, 0), hi = max(layer.high, 0)
            let scale = hi > lo ? (hi - lo) / 255 : 1
            let zero = min(max((-128 - lo / scale).rounded(), -128), 127)
            var mask = [Float](repeating: 1, count: x.count)
            for i in 0..<x.count {
                let q = (scaled.data[i] / scale).rounded() + zero
                if q < -128 || q > 127 { mask[i] = 0 }
                XCTAssertEqual(y.data[i], (min(max(q, -128), 127) - zero) * scale, "step \(step) value \(i)")
            }
            let dy = g.tensor(x.shape)
            XCTAssertEqual(layer.backward(dy).data, zip(dy.data, mask).map { $0 * $1 }, "step \(step) gradient")
        }
    }

    /// The interval nas_fake_quant_range finds is the grid test itself: for grids of many
    /// scales and zero points, every float within 64 steps of either end, and random values
    /// across the range, `lo <= x <= hi` exactly when round(x / scale) + zero is within
    /// [-128, 127].
    func testFakeQuantRangeIsTheGridTest() {
        var g = TestRng(state: 17)
        func inside(_ x: Float, _ scale: Float, _ zero: Float) -> Bool {
            let q = (x / scale).rounded() + zero
            return !(q < -128 || q > 127)
        }
        var grids: [(Float, Float)] = [(1, 0), (1, -128), (1, 127), (1e-30, 5), (3e38, 0), (0.0234, -128)]
        for _ in 0..<200 {
            let low = -abs(g.uniform()) * Float(1 << (g.next() % 12)), high = abs(g.uniform()) * Float(1 << (g.next() % 12))
            let scale = high > low ? (high - low) / 255 : 1
            grids.append((scale, min(max((-128 - low / scale).rounded(), -128), 127)))
        }
        for (scale, zero) in grids {
            var lo: Float = 0, hi: Float = 0
            nas_fake_quant_range(scale, zero, &lo, &hi)
            XCTAssertTrue(inside(lo, scale, zero) && inside(hi, scale, zero), "scale \(scale) zero \(zero)")
            var probes: [Float] = [0, -0, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
            for end in [lo, hi] {
                var down = end, up = end
                for _ in 0..<64 {
                    down = down.nextDown
                    up = up.nextUp
                    probes += [down, up]
                }
            }
            for _ in 0..<200 { probes.append(g.uniform() * 2 * max(abs(lo), abs(hi))) }
            for x in probes {
                XCTAssertEqual(lo <= x && x <= hi, inside(x, scale, zero), "x \(x) scale \(scale) zero \(zero)")
            }
        }
    }

    /// nas_min_max against Swift's min and max, at every length around its vector width.
    func testMinMaxMatchesDefinition() {
        var g = TestRng(state: 5)
        for n in 1...41 {
            let x = (0..<n).map { _ in g.uniform() * 10 }
            var lo: Float = 0, hi: Float = 0
            nas_min_max(x, n, &lo, &hi)
            XCTAssertEqual(lo, x.min()!, "min of \(n)")
            XCTAssertEqual(hi, x.max()!, "max of \(n)")
        }
    }
}
