import NasCore
import NasData
import XCTest
@testable import NasCost
@testable import NasNN

/// A parameter-free layer no pass knows: every pass must refuse it by name.
final class UnknownScale: Layer {
    let kind = "UnknownScale"
    var needsInputGradient = true
    func outputShape(_ input: [Int]) throws -> [Int] { input }
    func forward(_ x: Tensor, training: Bool) -> Tensor { x }
    func backward(_ dy: Tensor) -> Tensor { dy }
}

final class LoweringCapabilityTests: XCTestCase {
    func testALayerWithoutLoweringIsRefusedByName() throws {
        var rng = SeededGenerator(seed: 1)
        let model = try Model(name: "odd", inputShape: [4], classes: 2, layers: [
            Dense(inFeatures: 4, outFeatures: 4, rng: &rng), Residual(body: [UnknownScale()]),
            Dense(inFeatures: 4, outFeatures: 2, rng: &rng),
        ])
        XCTAssertThrowsError(try DeploymentGraph(model)) { error in
            XCTAssertEqual("\(error)", "no deployment lowering for layer UnknownScale")
        }
    }

    func testFoldingAndFusingAbsorbTheirFollowers() throws {
        var rng = SeededGenerator(seed: 1)
        let model = try Model(name: "m", inputShape: [6], classes: 3, layers: [
            Dense(inFeatures: 6, outFeatures: 5, rng: &rng), BatchNorm(channels: 5), Activation(.relu6),
            Dense(inFeatures: 5, outFeatures: 3, rng: &rng),
        ])
        let graph = try DeploymentGraph(model)
        XCTAssertEqual(graph.ops.map(\.kind), [.fullyConnected, .fullyConnected])
        XCTAssertTrue(graph.ops[0].folded === model.network.layers[1] as AnyObject)
        XCTAssertEqual(graph.ops[0].activation, .relu6)
        XCTAssertEqual(graph.ops[0].sources.count, 2, "the dense layer and its batch norm")
        XCTAssertNil(graph.ops[1].folded)
        XCTAssertEqual(graph.weightedOps.count, try model.weightedLayers().count)
    }
}
