import NasCore
import NasCompress
import NasCost
import NasNN
import NasQuant
import XCTest
@testable import EngineBuiltins

/// One layer order: for every family the builtins registry knows, the traversal's weighted
/// layers and the deployment graph's weighted ops are the same layers, one to one, in the same
/// order, before and after structured pruning, and folding gives each of them its weights.
final class LayerOrderTests: XCTestCase {
    /// Each family at its defaults, and with the options that change its layer list.
    var variants: [ModelSpec] {
        ModelBuiltins.families.flatMap { family -> [ModelSpec] in
            let defaults = ModelSpec(family: family.family, settings: family.parameters)
            var variants = [defaults]
            if family.parameters.contains(where: { $0.0 == "batchnorm" }) {
                variants.append(ModelSpec(family: family.family, settings: family.parameters.map {
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
}
