import NasCore
import NasData
import XCTest
@testable import NasCost
@testable import NasNN

final class CostModelTests: XCTestCase {
    /// The M4's per-MAC constants alone (no fitted instruction model), for hand-computed latency.
    static let perMACCore: CoreProfile = {
        var core = CoreProfile.cortexM4
        core.instructions = nil
        return core
    }()
    let board = TargetBoard(name: "test", core: perMACCore, clockHz: 100e6, ramBytes: 256 << 10, flashBytes: 1 << 20)

    /// A model small enough to cost by hand.
    func tinyModel() throws -> Model {
        var rng = SeededGenerator(seed: 1)
        return try Model(name: "tiny", inputShape: [8, 8, 1], classes: 3, layers: [
            Conv2D(inChannels: 1, outChannels: 4, kernel: 3, rng: &rng), BatchNorm(channels: 4), Activation(.relu),
            Pool(.max, size: 2), GlobalAvgPool(), Dense(inFeatures: 4, outFeatures: 3, rng: &rng),
        ])
    }

    func testHandComputedCosts() throws {
        let graph = try DeploymentGraph(tinyModel())
        XCTAssertEqual(graph.ops.map(\.kind), [.conv, .maxPool, .mean, .fullyConnected], "BN folded, ReLU fused")
        let report = CostReport(graph, board: board)
        // conv: 36 weights + 4 int32 biases + 4 channels x 8 + its descriptors (68 + 55); pool:
        // 60 + 14; mean: 16 + 34; dense: 12 weights + 3 biases x 4 + 3 x 8 + 16 + 57; and
        // model_invoke's 40.
        XCTAssertEqual(report.layers.map(\.flashBytes), [207, 74, 50, 121])
        XCTAssertEqual(report.flashBytes, 452 + 40)
        // Arena (16-byte aligned): conv output 256 B at 0; input 64 B and the conv's 36 B
        // (48 aligned) int16 scratch above it during op 0; the rest reuse the space.
        XCTAssertEqual(report.ramBytes, 368)
        XCTAssertFalse(report.plan.hasConflicts)
        XCTAssertEqual(report.macs, 8 * 8 * 4 * 9 + 64 + 12)
        XCTAssertEqual(report.parameters, 36 + 4 + 12 + 3)
        // Latency: conv MACs at 1 cycle, dense at 1.1, pool/mean per element at 3, 2000 per op.
        let conv: Double = 2304, pool: Double = (256 + 64) * 3, mean: Double = (64 + 4) * 3, dense: Double = 12 * 1.1
        let cycles: Double = conv + pool + mean + dense + 4 * 2000
        XCTAssertEqual(report.latencySeconds, cycles / 100e6, accuracy: 1e-12)
    }

    /// With a fitted instruction model, latency is the predicted instructions of every op times
    /// the core's cycles per instruction, and the report says so.
    func testLatencyFromTheInstructionModel() throws {
        let graph = try DeploymentGraph(tinyModel())
        let m4 = TargetBoard(name: "m4", core: .cortexM4, clockHz: 100e6, ramBytes: 256 << 10, flashBytes: 1 << 20)
        let report = CostReport(graph, board: m4, bits: [4, 8])
        let model = try XCTUnwrap(CoreProfile.cortexM4.instructions)
        var total = 0.0, weighted = 0
        for (i, op) in graph.ops.enumerated() {
            let bits = op.weights > 0 ? [4, 8][weighted] : 8
            if op.weights > 0 { weighted += 1 }
            let work = KernelWork(op, input: graph.tensors[op.inputs[0]], output: graph.tensors[op.output], bits: bits, dsp: model.dsp)
            let predicted = try XCTUnwrap(model.instructions(work), "\(work.key) has no fit")
            XCTAssertGreaterThan(predicted, 0)
            XCTAssertEqual(report.layers[i].instructions, predicted)
            total += predicted
        }
        XCTAssertEqual(try XCTUnwrap(report.instructions), total, accuracy: 1e-6)
        XCTAssertEqual(report.latencySeconds, total * model.cyclesPerInstruction / 100e6, accuracy: 1e-12)
        XCTAssertTrue(report.latencyBasis.contains("emulated instruction counts"))
        XCTAssertTrue(CostReport(graph, board: board).latencyBasis.contains("per-MAC"))
        // The Xtensa has no instruction model: its estimate stays the per-MAC one.
        let esp = TargetBoard(name: "esp", core: .xtensaLX6, clockHz: 240e6, ramBytes: 1 << 19, flashBytes: 1 << 22)
        XCTAssertNil(CostReport(graph, board: esp).instructions)
    }

    func testLowerBitWidthsShrinkFlash() throws {
        let graph = try DeploymentGraph(tinyModel())
        let eight = CostReport(graph, board: board).flashBytes
        let four = CostReport(graph, board: board, bits: [4, 4]).flashBytes
        XCTAssertEqual(eight - four, 18 + 6)  // 36 weights and 12 weights, half a byte each saved
    }

    func testResidualAndSqueezeExciteLowering() throws {
        var rng = SeededGenerator(seed: 1)
        let resnet = try Architectures.resnet(input: [32, 32, 3], classes: 10, rng: &rng)
        let graph = try DeploymentGraph(resnet)
        XCTAssertEqual(graph.ops.filter { $0.kind == .add }.count, 3)
        XCTAssertEqual(graph.ops.filter { $0.kind == .conv }.count, 9)
        XCTAssertEqual(CostReport(graph, board: board).parameters, 78_186 - 2 * (16 + 2 * 16 + 2 * 32 + 2 * 64),
                       "BN scales and shifts fold away; conv biases stay")
        let mobile = try Architectures.mobileNetV3(input: [32, 32, 3], classes: 10, rng: &rng)
        let m = try DeploymentGraph(mobile)
        XCTAssertGreaterThan(m.ops.filter { $0.kind == .mul }.count, 0)
        XCTAssertFalse(CostReport(m, board: board).plan.hasConflicts)
    }

    /// The plan never overlaps buffers alive at the same time, and is at least the peak of
    /// simultaneously live bytes and at most their total.
    func testPlannerNeverOverlapsLiveBuffers() {
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<300 {
            let steps = 1 + rng.nextInt(below: 30)
            let buffers = (0..<(1 + rng.nextInt(below: 40))).map { _ -> MemoryPlan.Buffer in
                let a = rng.nextInt(below: steps), b = rng.nextInt(below: steps)
                return MemoryPlan.Buffer(size: 1 + rng.nextInt(below: 5000), firstUse: min(a, b), lastUse: max(a, b))
            }
            let plan = MemoryPlan(buffers, alignment: 1)
            XCTAssertFalse(plan.hasConflicts)
            let peakLive = (0..<steps).map { t in buffers.filter { $0.firstUse <= t && t <= $0.lastUse }.reduce(0) { $0 + $1.size } }.max() ?? 0
            XCTAssertGreaterThanOrEqual(plan.arenaSize, peakLive)
            XCTAssertLessThanOrEqual(plan.arenaSize, buffers.reduce(0) { $0 + $1.size })
        }
    }
}
