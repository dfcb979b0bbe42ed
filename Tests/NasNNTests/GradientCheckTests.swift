import NasCore
import NasData
import XCTest
@testable import NasNN

/// Test data from the engine's seeded generator.
struct TestRng: RandomNumberGenerator {
    var generator: SeededGenerator
    init(state: UInt64) { generator = SeededGenerator(seed: state) }
    mutating func next() -> UInt64 { generator.next() }
    mutating func uniform(_ lo: Float = -1, _ hi: Float = 1) -> Float {
        lo + (hi - lo) * Float(next() >> 40) * 0x1p-24
    }
    mutating func tensor(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in uniform() })
    }
}

/// Central-difference checks of every layer's backward pass: for L = sum(y * r) with fixed
/// random r, dL/dx and dL/dparameters from backward must match (L(x+h) - L(x-h)) / 2h.
final class GradientCheckTests: XCTestCase {
    func loss(_ layer: Layer, _ x: Tensor, _ r: [Float]) -> Double {
        let y = layer.forward(x, training: true)
        var total = 0.0
        for i in 0..<y.count { total += Double(y.data[i]) * Double(r[i]) }
        return total
    }

    func check(_ layer: Layer, input shape: [Int], seed: UInt64 = 1, step: Float = 3e-3,
               file: StaticString = #filePath, line: UInt = #line) throws {
        var rng = TestRng(state: seed)
        let x = rng.tensor(shape)
        let outShape = [shape[0]] + (try layer.outputShape(Array(shape.dropFirst())))
        let y = layer.forward(x, training: true)
        XCTAssertEqual(y.shape, outShape, "forward shape", file: file, line: line)
        let r = (0..<y.count).map { _ in rng.uniform() }
        layer.parameters.forEach { $0.zeroGradient() }
        _ = layer.forward(x, training: true)
        let dx = layer.backward(Tensor(shape: y.shape, data: r))
        XCTAssertEqual(dx.shape, x.shape, "gradient shape", file: file, line: line)

        func compare(_ analytic: Float, _ numeric: Double, _ what: String) {
            let tolerance = 2e-2 * max(1, abs(numeric), Double(abs(analytic)))
            XCTAssertEqual(Double(analytic), numeric, accuracy: tolerance, "\(layer.kind) \(what)", file: file, line: line)
        }
        // Up to 40 input positions and 40 entries of each parameter, spread over the arrays.
        for i in stride(from: 0, to: x.count, by: max(1, x.count / 40)) {
            var plus = x, minus = x
            plus.data[i] += step
            minus.data[i] -= step
            compare(dx.data[i], (loss(layer, plus, r) - loss(layer, minus, r)) / Double(2 * step), "dx[\(i)]")
        }
        for p in layer.parameters {
            let analytic = p.gradient
            for i in stride(from: 0, to: p.count, by: max(1, p.count / 40)) {
                let saved = p.value[i]
                p.value[i] = saved + step
                let up = loss(layer, x, r)
                p.value[i] = saved - step
                let down = loss(layer, x, r)
                p.value[i] = saved
                compare(analytic[i], (up - down) / Double(2 * step), "d\(p.name)[\(i)]")
            }
        }
    }

    func rng() -> TestRng { TestRng(state: 99) }

    func testConvolutions() throws {
        var g = rng()
        try check(Conv2D(inChannels: 3, outChannels: 4, kernel: 3, rng: &g), input: [2, 5, 5, 3])
        try check(Conv2D(inChannels: 3, outChannels: 5, kernel: 3, stride: 2, rng: &g), input: [2, 7, 6, 3])
        try check(Conv2D(inChannels: 2, outChannels: 3, kernel: 5, stride: 2, padding: 0, rng: &g), input: [3, 9, 9, 2])
        try check(Conv2D(inChannels: 4, outChannels: 6, kernel: 3, groups: 2, rng: &g), input: [2, 5, 4, 4])
        try check(Conv2D(inChannels: 4, outChannels: 4, kernel: 3, stride: 2, groups: 4, rng: &g), input: [2, 7, 7, 4])
        try check(Conv2D(inChannels: 5, outChannels: 3, kernel: 1, padding: 0, rng: &g), input: [3, 4, 4, 5])
        try check(Conv2D(inChannels: 3, outChannels: 4, kernel: 5, stride: 2, oneDimensional: true, rng: &g), input: [2, 16, 3])
        try check(Conv2D(inChannels: 3, outChannels: 3, kernel: 3, groups: 3, oneDimensional: true, rng: &g), input: [2, 9, 3])
        try check(Conv2D(inChannels: 3, outChannels: 8, kernel: 3, bias: false, rng: &g), input: [2, 3, 3, 3])
        try check(Conv2D(inChannels: 2, outChannels: 3, kernel: (height: 4, width: 3), stride: 2, padding: (height: 1, width: 1),
                         rng: &g), input: [2, 9, 7, 2])
        // Large enough for the im2col-free path (stride 1, "same" padding, 256+ positions).
        try check(Conv2D(inChannels: 3, outChannels: 4, kernel: 3, rng: &g), input: [2, 16, 16, 3])
        try check(Conv2D(inChannels: 2, outChannels: 20, kernel: 5, rng: &g), input: [2, 16, 17, 2])
        try check(Conv2D(inChannels: 3, outChannels: 5, kernel: 5, oneDimensional: true, rng: &g), input: [2, 300, 3])
    }

    func testDenseAndNormalization() throws {
        var g = rng()
        try check(Dense(inFeatures: 7, outFeatures: 4, rng: &g), input: [5, 7])
        try check(BatchNorm(channels: 3), input: [4, 3, 3, 3])
        try check(BatchNorm(channels: 6), input: [8, 6])
    }

    func testActivations() throws {
        for f in Activation.Function.allCases {
            try check(Activation(f), input: [3, 4, 4, 2], seed: 5)
        }
    }

    func testPoolingAndReshaping() throws {
        try check(Pool(.max, size: 2), input: [2, 6, 6, 3])
        try check(Pool(.average, size: 3, stride: 2), input: [2, 7, 7, 2])
        try check(Pool(.max, size: 2, oneDimensional: true), input: [2, 10, 3])
        try check(GlobalAvgPool(), input: [3, 4, 5, 2])
        try check(Flatten(), input: [2, 3, 3, 2])
    }

    func testBlocks() throws {
        var g = rng()
        try check(Residual(body: [Conv2D(inChannels: 2, outChannels: 4, kernel: 3, stride: 2, rng: &g), BatchNorm(channels: 4),
                                  Activation(.relu), Conv2D(inChannels: 4, outChannels: 4, kernel: 3, rng: &g)],
                           shortcut: [Conv2D(inChannels: 2, outChannels: 4, kernel: 1, stride: 2, padding: 0, rng: &g)]),
                  input: [2, 6, 6, 2])
        try check(Residual(body: [Conv2D(inChannels: 3, outChannels: 3, kernel: 3, rng: &g)]), input: [2, 4, 4, 3])
        try check(SqueezeExcite(channels: 8, reduction: 4, rng: &g), input: [2, 3, 3, 8])
        try check(Sequential([Conv2D(inChannels: 3, outChannels: 4, kernel: 3, rng: &g), Activation(.relu6),
                              Pool(.max), GlobalAvgPool(), Dense(inFeatures: 4, outFeatures: 3, rng: &g)]),
                  input: [3, 6, 6, 3])
    }

    func testSoftmaxCrossEntropyGradient() {
        var g = rng()
        let logits = g.tensor([4, 5])
        let labels: [Int32] = [0, 3, 4, 1]
        let (_, gradient, _) = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels[...])
        let h: Float = 1e-3
        for i in 0..<logits.count {
            var plus = logits, minus = logits
            plus.data[i] += h
            minus.data[i] -= h
            let numeric = (SoftmaxCrossEntropy.evaluate(logits: plus, labels: labels[...]).loss
                - SoftmaxCrossEntropy.evaluate(logits: minus, labels: labels[...]).loss) / Double(2 * h)
            XCTAssertEqual(Double(gradient.data[i]), numeric, accuracy: 1e-3)
        }
    }

    /// With label smoothing the gradient is still the loss's derivative, and the loss is the
    /// cross-entropy against (1 - ε) one-hot + ε / classes.
    func testSmoothedCrossEntropyGradient() {
        var g = rng()
        let logits = g.tensor([3, 4])
        let labels: [Int32] = [2, 0, 3]
        let smoothing: Float = 0.2
        let (loss, gradient, _) = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels[...], smoothing: smoothing)
        var expected = 0.0
        for i in 0..<3 {
            let row = (0..<4).map { Double(logits.data[i * 4 + $0]) }
            let logSum = log(row.map { exp($0) }.reduce(0, +))
            for j in 0..<4 {
                let target = (j == Int(labels[i]) ? 1 - Double(smoothing) : 0) + Double(smoothing) / 4
                expected -= target * (row[j] - logSum)
            }
        }
        XCTAssertEqual(loss, expected / 3, accuracy: 1e-5)
        let h: Float = 1e-3
        for i in 0..<logits.count {
            var plus = logits, minus = logits
            plus.data[i] += h
            minus.data[i] -= h
            let numeric = (SoftmaxCrossEntropy.evaluate(logits: plus, labels: labels[...], smoothing: smoothing).loss
                - SoftmaxCrossEntropy.evaluate(logits: minus, labels: labels[...], smoothing: smoothing).loss) / Double(2 * h)
            XCTAssertEqual(Double(gradient.data[i]), numeric, accuracy: 1e-3)
        }
    }

    /// Nesterov SGD steps by g + m v; AdamW shrinks weights apart from the moments.
    func testNesterovAndDecoupledDecaySteps() {
        let p = Parameter(name: "w", shape: [2], value: [1, -2], isWeight: true)
        p.gradient = [0.5, 0.5]
        let nesterov = SGD(momentum: 0.9, weightDecay: 0, nesterov: true)
        nesterov.step([p], learningRate: 0.1)  // v = g; w -= 0.1 (g + 0.9 g)
        XCTAssertEqual(p.value[0], 1 - 0.1 * 0.95, accuracy: 1e-6)
        nesterov.step([p], learningRate: 0.1)  // v = 0.9 g + g = 1.9 g; w -= 0.1 (g + 0.9 * 1.9 g)
        XCTAssertEqual(p.value[0], 1 - 0.095 - 0.1 * (0.5 + 0.9 * 0.95), accuracy: 1e-6)
        let q = Parameter(name: "w", shape: [1], value: [2], isWeight: true)
        q.gradient = [0]
        Adam(weightDecay: 0.1, decoupled: true).step([q], learningRate: 0.5)
        XCTAssertEqual(q.value[0], 2 * (1 - 0.05), accuracy: 1e-6)
        XCTAssertEqual(LearningRateSchedule.warmupFactor(step: 0, warmupSteps: 4), 0.25)
        XCTAssertEqual(LearningRateSchedule.warmupFactor(step: 3, warmupSteps: 4), 1)
        XCTAssertEqual(LearningRateSchedule.warmupFactor(step: 9, warmupSteps: 0), 1)
        XCTAssertEqual(TrainingOptions.OptimizerChoice.named("nesterov"), .sgd(momentum: 0.9, weightDecay: 5e-4, nesterov: true))
        for name in TrainingOptions.OptimizerChoice.names {
            XCTAssertEqual(TrainingOptions.OptimizerChoice.named(name)?.name, name)
        }
        XCTAssertNil(TrainingOptions.OptimizerChoice.named("adagrad"))
    }

    /// Chunking is fixed, so training is bit-identical whatever the thread count; the count is
    /// an option of the call, in force while it trains and gone after it.
    func testThreadCountDoesNotChangeTraining() throws {
        struct Samples: LabeledSamples {
            let sampleShape: [Int]
            let inputs: [Float]
            let labels: [Int32]
        }
        var g = rng()
        let data = Samples(sampleShape: [8, 8, 3], inputs: (0..<(40 * 192)).map { _ in g.uniform() },
                           labels: (0..<40).map { Int32($0 % 4) })
        let outside = Parallel.threads
        func run(threads: Int) throws -> [Float] {
            var weights = TestRng(state: 3)
            let model = try Architectures.resnet(input: [8, 8, 3], classes: 4, width: 4, stacks: 2, rng: &weights)
            var options = TrainingOptions()
            options.epochs = 2
            options.batchSize = 10
            options.threads = threads
            var seen = Set<Int>()
            _ = Trainer.train(model, on: data, options: options, progress: { _ in seen.insert(Parallel.threads) })
            XCTAssertEqual(seen, [threads], "the engine runs on the call's thread count")
            XCTAssertEqual(Parallel.threads, outside, "and the process's count is untouched")
            return model.parameters.flatMap(\.value)
        }
        let one = try run(threads: 1)
        XCTAssertEqual(one, try run(threads: 2))
        XCTAssertEqual(one, try run(threads: 3))
    }

    /// A count below one trains on one thread (and does not loop binding it).
    func testAThreadCountBelowOneTrainsOnOne() throws {
        var g = rng()
        var weights = TestRng(state: 3)
        let model = try Architectures.mlp(input: [6], classes: 2, units: 4, layers: 1, seed: 1, rng: &weights)
        let data = Dataset(name: "d", sampleShape: [6], inputs: (0..<60).map { _ in g.uniform() }, labels: (0..<10).map { Int32($0 % 2) },
                           classNames: ["a", "b"])
        var options = TrainingOptions()
        options.epochs = 1
        options.threads = 0
        var seen = Set<Int>()
        _ = Trainer.train(model, on: data, options: options, progress: { _ in seen.insert(Parallel.threads) })
        XCTAssertEqual(seen, [1])
    }
}

/// The im2col-free convolutions (Conv2D+ImplicitGemm) against the same sums in double:
/// forward, every weight gradient and every input gradient (border pixels, whose taps fall
/// partly on padding, included), for stride 1 and 2, with and without padding, padding wider
/// than the kernel allows for the transposed input gradient, 1-D, and a grouped convolution
/// (the im2col path) alongside.
final class ImplicitGemmTests: XCTestCase {
    /// The padded copy writes every float of its samples: borders zero (over a buffer of NaN),
    /// the interior the image, for 2-D, 1-D (no top border) and one-pixel images.
    func testPaddedCopyWritesBordersAndInterior() throws {
        var g = TestRng(state: 2)
        for (shape, top, left) in [([5, 4, 3], 1, 1), ([1, 9, 2], 0, 2), ([1, 1, 1], 2, 3), ([3, 2, 4], 2, 0)] {
            let s = try Spatial(shape), count = 2
            let image = Conv2D.PaddedImage(s: s, top: top, left: left)
            let x = (0..<(count * s.positions * s.channels)).map { _ in g.uniform() }
            var p = [Float](repeating: .nan, count: count * image.floats + 1)
            p.withUnsafeMutableBufferPointer { image.fill($0.baseAddress!, from: x, count: count) }
            XCTAssertTrue(p.last!.isNaN, "\(shape): wrote past its samples")
            for n in 0..<count {
                for py in 0..<image.height {
                    for px in 0..<image.width {
                        for c in 0..<s.channels {
                            let y = py - top, xx = px - left
                            let inside = y >= 0 && y < s.height && xx >= 0 && xx < s.width
                            let expected = inside ? x[((n * s.height + y) * s.width + xx) * s.channels + c] : 0
                            XCTAssertEqual(p[n * image.floats + (py * image.width + px) * s.channels + c], expected,
                                           "\(shape) pad \(top),\(left) at \(n) \(py) \(px) \(c)")
                        }
                    }
                }
            }
        }
    }

    func testMatchesDirectSums() throws {
        var g = TestRng(state: 4)
        let cases: [(shape: [Int], kernel: Int, stride: Int, padding: Int?, out: Int, groups: Int)] = [
            ([2, 16, 16, 3], 3, 1, nil, 8, 1), ([1, 20, 13, 4], 5, 1, nil, 33, 1), ([3, 300, 2], 5, 1, nil, 6, 1),
            ([2, 9, 11, 5], 3, 2, nil, 7, 1), ([2, 10, 10, 6], 1, 2, 0, 9, 1), ([2, 7, 8, 3], 3, 1, 0, 4, 1),
            ([2, 6, 6, 2], 3, 1, 3, 5, 1), ([2, 8, 8, 4], 3, 1, nil, 6, 2), ([2, 40, 3], 3, 2, nil, 5, 1),
        ]
        for (shape, kernel, stride, padding, out, groups) in cases {
            let oneD = shape.count == 3
            let conv = Conv2D(inChannels: shape.last!, outChannels: out, kernel: kernel, stride: stride, padding: padding,
                              groups: groups, oneDimensional: oneD, rng: &g)
            for p in conv.parameters { p.value = p.value.map { _ in g.uniform() } }
            let x = g.tensor(shape)
            let y = conv.forward(x, training: true)
            let r = g.tensor(y.shape)
            conv.parameters.forEach { $0.zeroGradient() }
            let dx = conv.backward(r)
            let s = try Spatial(Array(shape.dropFirst())), o = try Spatial(Array(y.shape.dropFirst()))
            let kh = oneD ? 1 : kernel, kw = kernel, ph = oneD ? 0 : padding ?? kernel / 2, pw = padding ?? kernel / 2
            let gc = s.channels / groups, go = out / groups
            var yExpected = [Double](repeating: 0, count: y.count)
            var dwExpected = [Double](repeating: 0, count: conv.weight.count)
            var dxExpected = [Double](repeating: 0, count: x.count)
            for n in 0..<shape[0] {
                for oy in 0..<o.height {
                    for ox in 0..<o.width {
                        let at = ((n * o.height + oy) * o.width + ox) * out
                        for j in 0..<out { yExpected[at + j] = Double(conv.bias!.value[j]) }
                        for ky in 0..<kh {
                            for kx in 0..<kw {
                                let iy = oy * stride + ky - ph, ix = ox * stride + kx - pw
                                guard iy >= 0, iy < s.height, ix >= 0, ix < s.width else { continue }
                                let xi = ((n * s.height + iy) * s.width + ix) * s.channels
                                for c in 0..<s.channels {
                                    let group = c / gc, wi = ((ky * kw + kx) * gc + c % gc) * out
                                    for j in group * go ..< (group + 1) * go {
                                        let xv = Double(x.data[xi + c]), wv = Double(conv.weight.value[wi + j])
                                        let gv = Double(r.data[at + j])
                                        yExpected[at + j] += xv * wv
                                        dwExpected[wi + j] += xv * gv
                                        dxExpected[xi + c] += wv * gv
                                    }
                                }
                            }
                        }
                    }
                }
            }
            let name = "\(shape) k\(kernel) s\(stride) p\(padding.map(String.init) ?? "same") g\(groups)"
            XCTAssertEqual(dx.shape, x.shape, name)
            func check(_ actual: [Float], _ expected: [Double], _ what: String) {
                XCTAssertEqual(actual.count, expected.count, "\(what) \(name)")
                let worst = zip(actual, expected).map { abs(Double($0) - $1) }.max() ?? 0
                XCTAssertLessThan(worst, 1e-3, "\(what) \(name)")
            }
            check(y.data, yExpected, "y")
            check(conv.weight.gradient, dwExpected, "dW")
            check(dx.data, dxExpected, "dx")
        }
    }
}
