import NasCore
import NasCompress
import NasCost
import NasExport
import NasNN
import NasQuant
import NasSearch
import XCTest
@testable import EngineBuiltins

/// One layer order: for every family the builtins registry knows, the traversal's weighted
/// layers and the deployment graph's weighted ops are the same layers, one to one, in the same
/// order, before and after structured pruning, and folding gives each of them its weights.
final class LayerOrderTests: XCTestCase {
    /// Each family at its defaults, and with the options that change its layer list.
    var variants: [ModelSpec] {
        ModelBuiltins.families.flatMap { family -> [ModelSpec] in
            let defaults = ModelSpec(family: family.family)
            var variants = [defaults]
            if defaults.settings.contains(where: { $0.0 == "batchnorm" }) {
                variants.append(ModelSpec(family: family.family, settings: defaults.settings.map {
                    $0.0 == "batchnorm" ? ($0.0, .bool(false)) : $0.0 == "dropout" ? ($0.0, .number(0.2)) : $0
                }))
            }
            return variants
        }
    }

    func testTheRegistryListsEveryFamily() {
        XCTAssertEqual(Set(ModelBuiltins.families.map(\.family.rawValue)), Set(ModelSpec.Family.allCases.map(\.rawValue)))
    }

    func testWeightedLayersAndLoweredWeightedOpsAgreeOneToOne() throws {
        for spec in variants {
            let input = spec.family.defaultInput
            let model = try spec.build(input: input.shape, classes: input.classes, seed: 3)
            for (stage, network) in [("built", model), ("channel-pruned", try StructuredPruning.prune(model, fraction: 0.5))] {
                let context = "\(spec.summary), \(stage)"
                let layers = try network.weightedLayers()
                let ops = try DeploymentGraph(network).weightedOps
                XCTAssertFalse(layers.isEmpty, context)
                XCTAssertEqual(layers.count, ops.count, context)
                for (layer, op) in zip(layers, ops) {
                    XCTAssertTrue(layer.layer === op.weighted!, "\(context): layer \(layer.path) is not op \(op.kind.rawValue)")
                    XCTAssertEqual(op.weights, layer.layer.weight.count, "\(context): \(layer.path)")
                    XCTAssertEqual(op.outputChannels, layer.layer.outputChannels, "\(context): \(layer.path)")
                }
                // Paths name distinct layers, so the k-th per-layer entry means one layer.
                XCTAssertEqual(Set(layers.map(\.path)).count, layers.count, context)
                let folded = try FoldedNetwork(network)
                XCTAssertEqual(folded.weights.compactMap { $0 }.count, layers.count, context)
                let plan = CompressionPlan(prune: .layers(.init(repeating: 0.25, count: layers.count)),
                                           bits: .layers(.init(repeating: 6, count: layers.count)))
                XCTAssertNoThrow(try Compressor(network, plan: plan), context)
            }
        }
    }

    /// Every family's convolutions and pools reach the float reference, the integer path (one
    /// sample and batched) and both exporters through the window lowering recorded in the op,
    /// which matches the layer it came from; no pass casts an op's layer back to its type.
    func testEveryFamilysWindowedOpsCarryTheirLayersWindow() throws {
        for spec in variants {
            let input = spec.family.defaultInput
            let model = try spec.build(input: input.shape, classes: input.classes, seed: 3)
            let graph = try DeploymentGraph(model)
            var windowed = 0
            for (index, op) in graph.ops.enumerated() {
                let context = "\(spec.summary) op \(index) \(op.kind.rawValue)"
                switch op.operation {
                case .convolution(let window, let depthwise):
                    windowed += 1
                    let conv = try XCTUnwrap(op.sources.first as? Conv2D, context)
                    XCTAssertEqual(window, DeploymentGraph.ConvolutionWindow(
                        kernelHeight: conv.kernel.height, kernelWidth: conv.kernel.width, stride: conv.stride,
                        paddingHeight: conv.padding.height, paddingWidth: conv.padding.width, groups: conv.groups,
                        inputChannels: conv.inChannels), context)
                    XCTAssertEqual(depthwise, conv.groups == conv.inChannels && conv.groups > 1, context)
                    XCTAssertTrue(op.weighted === conv, context)
                case .pool(let window, let max):
                    windowed += 1
                    let pool = try XCTUnwrap(op.sources.first as? Pool, context)
                    XCTAssertEqual(window, DeploymentGraph.PoolWindow(size: pool.size, stride: pool.stride, oneDimensional: pool.oneDimensional), context)
                    XCTAssertEqual(max, pool.mode == .max, context)
                default:
                    XCTAssertFalse([.conv, .depthwiseConv, .maxPool, .avgPool].contains(op.kind), context)
                }
            }
            // Every family but the perceptron convolves or pools.
            XCTAssertEqual(windowed > 0, spec.family != .mlp, spec.summary)
            // Each pass that reads the windows runs on the family.
            var rng = SeededGenerator(seed: 5)
            let size = input.shape.reduce(1, *)
            let samples = (0..<4).map { _ in (0..<size).map { _ in rng.uniform(-1, 1) } }
            let folded = try FoldedNetwork(model)
            let network = IntegerNetwork(folded, calibration: samples, bits: nil)
            let batch = SampleBatch(samples, sampleSize: size)
            XCTAssertEqual(network.classify(batch), samples.map { network.classify($0) }, spec.summary)
            XCTAssertEqual(folded.classify(batch).count, samples.count, spec.summary)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-windows-\(getpid())-\(spec.family.rawValue)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            XCTAssertFalse(try CModelWriter(network).write(to: directory).isEmpty, spec.summary)
            XCTAssertFalse(try TFLiteWriter(network).flatbuffer().isEmpty, spec.summary)
        }
    }

    /// The passes after lowering hold no forced cast: a layer type they do not know reaches them
    /// only as an op, never as a cast that traps.
    func testNoPassAfterLoweringForceCasts() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for module in ["NasCost", "NasQuant", "NasExport"] {
            let folder = root.appendingPathComponent("Sources/\(module)")
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                XCTAssertFalse(text.contains(" as! "), "\(module)/\(name) force-casts")
            }
        }
    }
}
