import NasCore
import CNasKernels
import NasCore
import NasCost
import NasData
import XCTest
@testable import NasNN
@testable import NasQuant

/// The batched C kernels against the scalar Swift reference (`FoldedNetwork.run`,
/// `IntegerNetwork.run`), bit for bit, every tensor of every sample, on every model family and
/// weight bit-width, on the AVX2 and the portable path, with one and two threads.
final class BatchedInferenceTests: XCTestCase {
    /// Every family, plus a network of the shapes the families do not build: grouped and
    /// multiplier-2 depthwise convolutions, strides, asymmetric padding, average pooling,
    /// ReLU6, hard-swish and sigmoid, channel counts that leave vector tails.
    func models() throws -> [Model] {
        var rng = SeededGenerator(seed: 4)
        let families = [
            try Architectures.plainCNN(input: [11, 11, 3], classes: 5, width: 4, depth: 2, seed: 1, rng: &rng),
            try Architectures.plainCNN(input: [24, 2], classes: 3, width: 4, depth: 2, kernel: 5, batchNorm: false, seed: 1, rng: &rng),
            try Architectures.resnet(input: [8, 8, 3], classes: 4, width: 4, stacks: 2, rng: &rng),
            try Architectures.mobileNetV3(input: [16, 16, 3], classes: 4, width: 0.5, blocks: 4, rng: &rng),
            try Architectures.dsCNN(input: [12, 6, 1], classes: 4, filters: 8, blocks: 2, rng: &rng),
        ]
        let zoo = try Model(name: "zoo", inputShape: [13, 10, 3], classes: 5, layers: [
            Conv2D(inChannels: 3, outChannels: 4, kernel: 3, rng: &rng), Activation(.relu6),
            Conv2D(inChannels: 4, outChannels: 6, kernel: 3, stride: 2, groups: 2, rng: &rng), BatchNorm(channels: 6),
            Activation(.hardSwish),
            Conv2D(inChannels: 6, outChannels: 12, kernel: 3, groups: 6, rng: &rng), Activation(.sigmoid),
            Pool(.average, size: 2),
            Conv2D(inChannels: 12, outChannels: 12, kernel: (height: 3, width: 2), padding: (height: 0, width: 1), groups: 12, rng: &rng),
            Activation(.relu),
            // Wide enough for the 32-lane register blocks, with 24-, 16-lane and scalar tails after them.
            Conv2D(inChannels: 12, outChannels: 56, kernel: 1, rng: &rng), Activation(.relu),
            Conv2D(inChannels: 56, outChannels: 48, kernel: 1, rng: &rng), Conv2D(inChannels: 48, outChannels: 36, kernel: 1, rng: &rng),
            Conv2D(inChannels: 36, outChannels: 36, kernel: 3, groups: 36, rng: &rng), BatchNorm(channels: 36), Activation(.relu6),
            GlobalAvgPool(), Dense(inFeatures: 36, outFeatures: 5, rng: &rng),
        ])
        let models = families + [zoo]
        for model in models {
            // Non-trivial batch norm statistics, so folding changes the weights.
            let size = model.inputShape.reduce(1, *)
            _ = model.forward(Tensor(shape: [8] + model.inputShape, data: (0..<(8 * size)).map { _ in rng.uniform(-1.5, 1.5) }),
                              training: true)
        }
        return models
    }

    func samples(_ count: Int, size: Int, spread: Float = 2, seed: UInt64) -> [[Float]] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in (0..<size).map { _ in rng.uniform(-spread, spread) } }
    }

    /// Runs `body` on each instruction set this CPU has (the portable path always) with 1 and 2
    /// threads: every combination, or (`crossed: false`, for the long tests) AVX2 on one thread
    /// and the portable path on two. Restores the process's choice afterwards.
    func onEveryPath(crossed: Bool = true, _ body: (String) throws -> Void) rethrows {
        let isa = String(cString: nas_kernels_isa())
        defer {
            _ = nas_kernels_select(isa)
            Parallel.threads = 0
        }
        for candidate in ["avx2", "scalar"] where nas_kernels_select(candidate) != 0 {
            XCTAssertEqual(nas_inference_vectorized(), candidate == "avx2" ? 1 : 0)
            for threads in crossed ? [1, 2] : [candidate == "avx2" ? 1 : 2] {
                Parallel.threads = threads
                try body("\(candidate), \(threads) thread(s)")
            }
        }
    }

    /// Every tensor of the batched float path equals `run(_:)` bit for bit.
    func assertFloatMatches(_ folded: FoldedNetwork, _ inputs: [[Float]], _ label: String, file: StaticString = #filePath,
                            line: UInt = #line) {
        let graph = folded.graph, batch = SampleBatch(inputs, sampleSize: graph.tensors[graph.input].bytes)
        let batched = folded.allTensors(batch)
        for (n, sample) in inputs.enumerated() {
            let reference = folded.run(sample)
            for op in graph.ops {
                let size = graph.tensors[op.output].bytes
                let got = batched[op.output][n * size ..< (n + 1) * size].map(\.bitPattern)
                if got != reference[op.output].map(\.bitPattern) {
                    XCTFail("\(label): sample \(n), \(op.kind.rawValue) output differs", file: file, line: line)
                    return
                }
            }
        }
        let logits = folded.outputs(batch), size = graph.tensors[graph.output].bytes
        XCTAssertEqual(logits.map(\.bitPattern), inputs.flatMap { folded.run($0)[graph.output] }.map(\.bitPattern), label,
                       file: file, line: line)
        XCTAssertEqual(folded.classify(batch), inputs.map { sample in
            let l = folded.run(sample)[graph.output]
            return l.indices.max { l[$0] < l[$1] } ?? 0
        }, label, file: file, line: line)
        XCTAssertEqual(logits.count, inputs.count * size)
    }

    /// Every tensor of the batched int8 path equals `run(_:)` bit for bit.
    func assertIntegerMatches(_ network: IntegerNetwork, _ inputs: [[Float]], _ label: String, file: StaticString = #filePath,
                              line: UInt = #line) {
        let graph = network.folded.graph, batch = SampleBatch(inputs, sampleSize: graph.tensors[graph.input].bytes)
        let batched = network.allTensors(batch)
        for (n, sample) in inputs.enumerated() {
            let reference = network.run(network.quantizeInput(sample))
            for t in graph.tensors.indices {
                let size = graph.tensors[t].bytes
                if Array(batched[t][n * size ..< (n + 1) * size]) != reference[t] {
                    let kind = graph.ops.first { $0.output == t }?.kind.rawValue ?? "input"
                    XCTFail("\(label): sample \(n), tensor \(t) (\(kind)) differs", file: file, line: line)
                    return
                }
            }
        }
        XCTAssertEqual(network.classify(batch), inputs.map { network.classify($0) }, label, file: file, line: line)
    }

    func testFloatBatchMatchesReferenceOnEveryFamily() throws {
        let models = try models()
        try onEveryPath { path in
            for (m, model) in models.enumerated() {
                let folded = try FoldedNetwork(model)
                // 13 samples: not a multiple of the sub-batch, the vector width or the chunk count.
                assertFloatMatches(folded, samples(13, size: model.inputShape.reduce(1, *), seed: UInt64(m)), "\(model.name), \(path)")
            }
        }
    }

    func testIntegerBatchMatchesReferenceOnEveryFamilyAndBitWidth() throws {
        let models = try models()
        try onEveryPath(crossed: false) { path in
            for (m, model) in models.enumerated() {
                let folded = try FoldedNetwork(model), size = model.inputShape.reduce(1, *)
                let calibration = samples(16, size: size, seed: 100 + UInt64(m))
                let weighted = folded.weights.compactMap { $0 }.count
                // Every uniform width, then a mixed list.
                let widths = (2...8).map { [BitWidth](repeating: try! BitWidth(checking: $0), count: weighted) }
                    + [(0..<weighted).map { try! BitWidth(checking: 2 + $0 % 7) }]
                for bits in widths {
                    let network = IntegerNetwork(folded, calibration: calibration, bits: bits)
                    // Inputs within and well beyond the calibrated range (which saturate at -128/127).
                    let inputs = samples(7, size: size, seed: UInt64(m)) + samples(4, size: size, spread: 40, seed: UInt64(m) + 50)
                    assertIntegerMatches(network, inputs, "\(model.name) bits \(bits), \(path)")
                }
            }
        }
    }

    /// Batched calibration finds exactly the scalar reference's ranges, so every quantization
    /// parameter (and with it the export) is unchanged.
    func testBatchedCalibrationEqualsReference() throws {
        for (m, model) in try models().enumerated() {
            let folded = try FoldedNetwork(model)
            let calibration = samples(21, size: model.inputShape.reduce(1, *), seed: 7 + UInt64(m))
            let pattern: [BitWidth] = [4, 8, 6]
            let bits = folded.graph.weightedOps.indices.map { pattern[$0 % pattern.count] }
            let reference = IntegerNetwork(folded, calibration: calibration, bits: bits, path: .reference)
            try onEveryPath { path in
                let batched = IntegerNetwork(folded, calibration: calibration, bits: bits)
                XCTAssertEqual(batched.params, reference.params, "\(model.name), \(path)")
                XCTAssertEqual(batched.weights, reference.weights)
                XCTAssertEqual(batched.biases, reference.biases)
                XCTAssertEqual(batched.multipliers, reference.multipliers)
                XCTAssertEqual(batched.tables, reference.tables)
            }
        }
    }

    /// A network whose requantization hits the edges calibration avoids: multipliers of exactly
    /// 0.5 (every odd accumulator is a rounding tie), tiny and huge multipliers, biases at the
    /// int32 limits (accumulators wrap), zero points at -128 and 127.
    func edgeNetwork(_ base: IntegerNetwork, multiplier real: Double, biasNearLimit: Bool, zeroPoint: Int32?) -> IntegerNetwork {
        let params = base.params.map { p in zeroPoint.map { QuantParams(scale: p.scale, zeroPoint: $0) } ?? p }
        let multipliers = base.multipliers.map { list in list.map { $0.map { _ in FixedPointMultiplier(real) } } }
        let biases = base.biases.map { list in
            list.map { b in
                b.indices.map { o in biasNearLimit ? (o % 2 == 0 ? Int32.max - Int32(o) : Int32.min + Int32(o)) : b[o] }
            }
        }
        return IntegerNetwork(folded: base.folded, params: params, weights: base.weights, weightScales: base.weightScales,
                              biases: biases, multipliers: multipliers, weightBits: base.weightBits, tables: base.tables)
    }

    func testIntegerEdgeCasesMatchReference() throws {
        let models = try models()
        try onEveryPath(crossed: false) { path in
            for (m, model) in models.enumerated() {
                let folded = try FoldedNetwork(model), size = model.inputShape.reduce(1, *)
                let base = IntegerNetwork(folded, calibration: samples(8, size: size, seed: UInt64(m)))
                let inputs = samples(5, size: size, seed: 30 + UInt64(m)) + samples(5, size: size, spread: 100, seed: 40 + UInt64(m))
                let cases: [(Double, Bool, Int32?)] = [(0.5, false, -128), (0.5, true, 127), (1e-9, false, 127), (3.0, true, nil),
                                                       (2_147_483_648.0, false, -128)]
                for (real, wrap, zeroPoint) in cases {
                    let network = edgeNetwork(base, multiplier: real, biasNearLimit: wrap, zeroPoint: zeroPoint)
                    assertIntegerMatches(network, inputs, "\(model.name) multiplier \(real) wrap \(wrap) zero \(zeroPoint.map(String.init) ?? "-"), \(path)")
                }
            }
        }
    }

    /// The rounding and padding checks above can fail: a reference that rounded ties to even,
    /// or that counted padding taps as (0 - zi), gives other outputs on these networks.
    func testEdgeNetworksExerciseTiesAndPadding() throws {
        let model = try models()[0]
        let folded = try FoldedNetwork(model), size = model.inputShape.reduce(1, *)
        let base = IntegerNetwork(folded, calibration: samples(8, size: size, seed: 1))
        let input = base.quantizeInput(samples(1, size: size, seed: 2)[0])
        // Ties: with a 0.5 multiplier, half the accumulators are odd, and halves go away from zero.
        let half = FixedPointMultiplier(0.5)
        XCTAssertEqual(half.apply(3), 2)
        XCTAssertEqual(half.apply(-3), -2)
        XCTAssertEqual(half.apply(-5), -3)
        let tied = edgeNetwork(base, multiplier: 0.5, biasNearLimit: false, zeroPoint: -128)
        let conv = tied.folded.graph.ops[0]
        let acc = tied.accumulators(0, input: input)
        XCTAssertGreaterThan(acc.filter { $0 % 2 != 0 }.count, acc.count / 4, "odd accumulators (ties) must be common")
        // Padding: the first conv is padded and its input's zero point is -128, so gathering
        // padding taps as 0 instead of zi (adding (0 - zi) * w) would change border outputs.
        XCTAssertNotEqual(tied.params[conv.inputs[0]].zeroPoint, 0)
        guard case .convolution(let window, _) = conv.operation else { return XCTFail("op 0 is \(conv.kind.rawValue), not a convolution") }
        let g = ConvolutionGeometry(window, input: tied.folded.graph.tensors[conv.inputs[0]].shape,
                                    output: tied.folded.graph.tensors[conv.output].shape)
        XCTAssertGreaterThan(g.ph + g.pw, 0)
    }
}

extension IntegerNetwork {
    /// The int32 accumulators of weighted op `index` on one input (for the tests' sanity checks).
    func accumulators(_ index: Int, input: [Int8]) -> [Int32] {
        let graph = folded.graph, op = graph.ops[index]
        guard case .convolution(let window, _) = op.operation else { return [] }  // the tests ask for convolutions only
        let g = ConvolutionGeometry(window, input: graph.tensors[op.inputs[0]].shape, output: graph.tensors[op.output].shape)
        let zi = Int32(params[op.inputs[0]].zeroPoint), w = weights[index]!, b = biases[index]!
        var acc = (0..<(g.oh * g.ow * g.oc)).map { b[$0 % g.oc] }
        g.forEachTap { o, _, i, wi in acc[o] &+= (Int32(input[i]) - zi) * Int32(w[wi]) }
        return acc
    }
}
