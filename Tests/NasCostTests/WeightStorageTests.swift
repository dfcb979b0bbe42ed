import NasCore
import NasData
import XCTest
@testable import NasCost
@testable import NasNN

/// Sparse storage pays exactly what a bitmap of non-zeros allows, and only when it is smaller.
final class WeightStorageTests: XCTestCase {
    let board = TargetBoard(name: "test", core: .cortexM4, clockHz: 100e6, ramBytes: 256 << 10, flashBytes: 1 << 20)

    /// A bitmap (1 bit per weight) plus the non-zero values wins once more than 1/bits of the
    /// weights are zero: 12.5% at 8 bits, 25% at 4, 50% at 2; below that, dense stays.
    func testTheSmallerEncodingIsChosenAtEveryWidth() {
        for bits in 2...8 {
            let weights = 800, threshold = weights / bits  // zeros at which both take the same bytes
            let atThreshold = WeightStorage(weights: weights, nonZero: weights - threshold, bits: bits)
            XCTAssertEqual(atThreshold.format, .dense, "\(bits) bits: a tie keeps dense")
            XCTAssertEqual(atThreshold.bytes, weights * bits / 8)
            let sparser = WeightStorage(weights: weights, nonZero: weights - threshold - 8, bits: bits)
            XCTAssertEqual(sparser.format, .bitmap, "\(bits) bits")
            XCTAssertEqual(sparser.bytes, 100 + ((weights - threshold - 8) * bits + 7) / 8)
            XCTAssertEqual(sparser.savedBytes, weights * bits / 8 - sparser.bytes)
            XCTAssertGreaterThan(sparser.savedBytes, 0)
            XCTAssertEqual(WeightStorage(weights: weights, nonZero: weights - threshold + 8, bits: bits).format, .dense)
        }
        // Odd counts round each part up to whole bytes; a layer of zeros is its map alone.
        XCTAssertEqual(WeightStorage.bitmapBytes(weights: 9, nonZero: 3, bits: 3), 2 + 2)
        XCTAssertEqual(WeightStorage(weights: 9, nonZero: 0, bits: 8).bytes, 2)
    }

    func tinyModel() throws -> Model {
        var rng = SeededGenerator(seed: 1)
        return try Model(name: "tiny", inputShape: [8, 8, 1], classes: 3, layers: [
            Conv2D(inChannels: 1, outChannels: 16, kernel: 3, rng: &rng), Activation(.relu),
            Conv2D(inChannels: 16, outChannels: 16, kernel: 3, groups: 16, rng: &rng), Activation(.relu),
            GlobalAvgPool(), Dense(inFeatures: 16, outFeatures: 3, rng: &rng),
        ])
    }

    /// A pruned layer's flash shrinks by what its sparsity allows, its MACs become non-zero
    /// weights x positions, and unpruned layers cost what they did.
    func testAPrunedLayersFlashAndMACsShrinkByItsSparsity() throws {
        let graph = try DeploymentGraph(tinyModel())
        let weighted = graph.ops.indices.filter { graph.ops[$0].weights > 0 }
        XCTAssertEqual(weighted.map { graph.ops[$0].kind }, [.conv, .depthwiseConv, .fullyConnected])
        let dense = CostReport(graph, board: board, bits: [8, 4, 8])
        // 60% of the conv's 144 weights and 50% of the depthwise's 144 zero; the dense layer whole.
        let pruned = CostReport(graph, board: board, bits: [8, 4, 8], nonZeroWeights: [58, 72, 48])
        let conv = pruned.layers[weighted[0]], depthwise = pruned.layers[weighted[1]], fc = pruned.layers[weighted[2]]
        XCTAssertEqual(conv.storage?.format, .bitmap)
        XCTAssertEqual(conv.weightBytes, 144 / 8 + 58)
        XCTAssertEqual(dense.layers[weighted[0]].flashBytes - conv.flashBytes, 144 - (18 + 58))
        XCTAssertEqual(conv.macs, 8 * 8 * 58, "non-zero weights x positions")
        XCTAssertEqual(conv.skippedMACs, 8 * 8 * (144 - 58))
        XCTAssertEqual(depthwise.weightBytes, 18 + 36)
        XCTAssertEqual(depthwise.macs, 8 * 8 * 72)
        XCTAssertEqual(fc.storage?.format, .dense)
        XCTAssertEqual(fc.flashBytes, dense.layers[weighted[2]].flashBytes)
        XCTAssertEqual(fc.macs, 48)
        XCTAssertEqual(pruned.flashBytes, dense.flashBytes - (144 - 76) - (72 - 54))
        XCTAssertEqual(pruned.macs, dense.macs - 64 * 86 - 64 * 72)
        XCTAssertEqual(pruned.sparseLayers.map(\.index), Array(weighted.prefix(2)))
        XCTAssertEqual(pruned.ramBytes, dense.ramBytes, "storage does not change the arena")
    }
}
