import NasData
import XCTest
import NasCore
import NasNN

/// A layer with a weight matrix that declares no capability: a pass must not skip it silently.
private final class UndeclaredScale: Layer {
    let kind = "UndeclaredScale"
    let scale = Parameter(name: "scale", shape: [4], value: [1, 1, 1, 1], isWeight: true)
    var needsInputGradient = true
    var parameters: [Parameter] { [scale] }
    func outputShape(_ input: [Int]) throws -> [Int] { input }
    func forward(_ x: Tensor, training: Bool) -> Tensor { x }
    func backward(_ dy: Tensor) -> Tensor { dy }
}

final class LayerTraversalTests: XCTestCase {
    func testPathsNameBlocksAndTheirBranches() throws {
        var rng = SeededGenerator(seed: 1)
        let model = try Architectures.mobileNetV3(input: [16, 16, 3], classes: 4, width: 0.5, blocks: 2, rng: &rng)
        let paths = model.namedLayers().map(\.path.description)
        XCTAssertEqual(paths.count, Set(paths).count, "every path names one layer")
        XCTAssertEqual(paths.first, "0")
        XCTAssertTrue(paths.contains { $0.hasSuffix(".reduce") } && paths.contains { $0.hasSuffix(".expand") }, "\(paths)")
        // Parents come before their insides.
        for (index, path) in paths.enumerated() where path.contains(".") {
            let parent = String(path[..<path.lastIndex(of: ".")!])
            if let p = paths.firstIndex(of: parent) { XCTAssertLessThan(p, index) }
        }
        XCTAssertEqual(model.allLayers.count, paths.count)
    }

    func testALayerHoldingWeightsWithoutACapabilityIsAnError() throws {
        var rng = SeededGenerator(seed: 1)
        let model = try Model(name: "odd", inputShape: [4], classes: 4, layers: [
            Dense(inFeatures: 4, outFeatures: 4, rng: &rng),
            Residual(body: [UndeclaredScale()]),
        ])
        XCTAssertThrowsError(try model.weightedLayers()) { error in
            let undeclared = error as? UndeclaredLayerError
            XCTAssertEqual(undeclared?.path.description, "1.body.0")
            XCTAssertEqual(undeclared?.kind, "UndeclaredScale")
        }
    }

    func testWeightedLayersComeInLayerOrder() throws {
        var rng = SeededGenerator(seed: 1)
        let model = try Architectures.mlp(input: [8], classes: 3, units: 6, layers: 2, batchNorm: true, seed: 1, rng: &rng)
        let weighted = try model.weightedLayers()
        XCTAssertEqual(weighted.map(\.layer.outputChannels), [6, 6, 3])
        let order = model.namedLayers().map { ObjectIdentifier($0.layer) }
        let positions = weighted.map { w in order.firstIndex(of: ObjectIdentifier(w.layer))! }
        XCTAssertEqual(positions, positions.sorted())
    }
}
