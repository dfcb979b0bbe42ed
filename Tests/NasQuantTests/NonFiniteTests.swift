import NasCore
import NasData
import XCTest
@testable import NasNN
@testable import NasQuant

/// Weights and activations a diverged or hostile input can produce: refused or saturated, never
/// a trapping conversion.
final class NonFiniteTests: XCTestCase {
    func model(seed: UInt64 = 1) throws -> Model {
        var rng = SeededGenerator(seed: seed)
        return try Architectures.mlp(input: [4], classes: 3, units: 5, layers: 1, seed: seed, rng: &rng)
    }

    func testNonFiniteWeightsAreAShapeErrorNotATrap() throws {
        for poison in [Float.nan, .infinity, -.infinity] {
            let m = try model()
            let dense = try XCTUnwrap(m.network.layers.first as? Dense)
            dense.weight.value[3] = poison
            XCTAssertThrowsError(try FoldedNetwork(m)) { error in
                XCTAssertTrue(String(describing: error).contains("not finite numbers"), "\(error)")
            }
        }
    }

    func testHugeFiniteWeightsAndNaNInputsSaturate() throws {
        let m = try model()
        let dense = try XCTUnwrap(m.network.layers.first as? Dense)
        dense.bias.value[0] = 3e38
        dense.weight.value[0] = 1e-30
        let network = IntegerNetwork(try FoldedNetwork(m), calibration: [[0, 0, 0, 0], [1e-3, 0, 0, 0]])
        // NaN and infinite input values quantize (saturating) instead of trapping.
        let classes = network.classify([.nan, .infinity, -.infinity, 1])
        XCTAssertTrue((0..<3).contains(classes))
        XCTAssertEqual(Int32(saturating: Float.nan), 0)
        XCTAssertEqual(Int32(saturating: 1e20), .max)
        XCTAssertEqual(Int32(saturating: -1e20), .min)
        XCTAssertEqual(Int32(saturating: -7.0), -7)
    }
}
