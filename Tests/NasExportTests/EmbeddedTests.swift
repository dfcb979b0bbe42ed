import NasCore
import Foundation
import NasCost
import NasData
import NasNN
import NasQuant
import XCTest
@testable import NasExport

/// The exported C on real Cortex-M instruction sets: cross-compiled with arm-none-eabi-gcc for
/// the M0+ (thumbv6-m, plain C kernels), M4 and M7 (DSP kernels), linked into the bare-metal
/// semihosting firmware and run under qemu-system-arm. Skipped, saying why, only when the
/// toolchain is not installed (scripts/install-deps installs it; CI has it).
final class EmbeddedTests: XCTestCase {
    /// One network of the harness: a family at one weight bit-width assignment.
    struct Case {
        let family: String
        let model: Model
        let bits: [Int]
        var label: String { "\(family) bits \(Set(bits).count == 1 ? "\(bits[0])" : bits.map(String.init).joined(separator: ","))" }
    }

    static let families = ["cnn", "cnn1d", "resnet", "mobilenet", "dscnn", "mlp"]

    /// Every family at 8, 4 and 2 bits, and one network with mixed widths per layer.
    func cases() throws -> [Case] {
        let models = try exportModels()
        var cases: [Case] = []
        for (family, model) in zip(Self.families, models) {
            let weighted = try DeploymentGraph(model).ops.filter { $0.weights > 0 }.count
            for b in [8, 4, 2] { cases.append(Case(family: family, model: model, bits: Array(repeating: b, count: weighted))) }
            if family == "mobilenet" {
                cases.append(Case(family: family, model: model, bits: (0..<weighted).map { [8, 4, 2, 6, 3][$0 % 5] }))
            }
        }
        return cases
    }

    /// 64 inputs: random int8 tensors (every clamp and padding path) and quantized samples.
    static func inputs(_ network: IntegerNetwork, size: Int, seed: UInt64) -> [[Int8]] {
        var rng = SeededGenerator(seed: seed)
        return (0..<64).map { i in
            i % 2 == 0 ? (0..<size).map { _ in Int8(truncatingIfNeeded: rng.nextInt(below: 256)) }
                : network.quantizeInput((0..<size).map { _ in rng.uniform(-2, 2) })
        }
    }

    struct Outcome {
        let label: String, core: CortexMCore
        let run: Swift.Result<EmbeddedHarness.Run, Error>
        let expected: [[Int8]]
        let cost: CostReport
        let writer: CModelWriter
    }

    /// Builds and runs every case on every core, two firmware builds at a time.
    func runAll(_ cases: [Case], inputs count: Int = 64) throws -> [Outcome] {
        let jobs = cases.flatMap { c in CortexMCore.all.map { (c, $0) } }
        let prepared = try jobs.enumerated().map { n, job -> (String, CortexMCore, CModelWriter, [[Int8]], [[Int8]], CostReport) in
            let (c, core) = job
            let network = try integerNetwork(c.model, bits: c.bits)
            let size = c.model.inputShape.reduce(1, *)
            let inputs = Array(Self.inputs(network, size: size, seed: UInt64(100 + n)).prefix(count))
            let graph = network.folded.graph
            let expected = inputs.map { network.run($0)[graph.output] }
            let board = TargetBoard(name: "test", core: .named(core.name), clockHz: 1e8, ramBytes: 1 << 20, flashBytes: 1 << 22)
            // The cost model sees the weights as stored: pruned (or quantized-to-zero) layers sparse.
            let cost = CostReport(graph, board: board, bits: try widths(c.bits), nonZeroWeights: network.nonZeroWeights)
            return (c.label, core, CModelWriter(network), inputs, expected, cost)
        }
        let base = NSTemporaryDirectory() + "nasbook-embedded-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let results = EmbeddedHarness.inLanes(prepared) { i, p in
            try EmbeddedHarness(p.1).run(p.2, inputs: p.3, in: "\(base)/\(i)", cache: base + "/shared")
        }
        return prepared.enumerated().map { i, p in
            Outcome(label: p.0, core: p.1, run: results[i], expected: p.4, cost: p.5, writer: p.2)
        }
    }

    /// Every family at 8, 4, 2 and mixed bits, on the M0+, M4 and M7, computes bit for bit what
    /// the engine's IntegerNetwork computes on 64 inputs; model.o's .bss is the cost model's arena
    /// and the stack model.h states covers what gcc's call graph says model_invoke needs. (These
    /// networks are tiny, so their descriptors outweigh their weights: their flash is printed,
    /// not checked; testModelObjectsTakeTheCostModelsFlash checks it on networks of real size.)
    func testEveryFamilyRunsBitExactOnEmulatedCortexM() throws {
        if let missing = EmbeddedHarness.missingToolchain() { throw XCTSkip("Cortex-M harness skipped: \(missing)") }
        let cases = try cases()
        XCTAssertEqual(Set(cases.map(\.family)), Set(Self.families))
        var table = "network                     core        flash(cost) model.o  error  bss/arena  stack  instr/inference\n"
        for r in try runAll(cases) {
            let run: EmbeddedHarness.Run
            do { run = try r.run.get() } catch { XCTFail("\(r.label) on \(r.core): \(error)"); continue }
            XCTAssertEqual(run.outputs, r.expected, "\(r.label) on \(r.core): outputs differ from IntegerNetwork")
            XCTAssertGreaterThan(Set(r.expected).count, 8, "\(r.label): outputs should depend on the input")
            let error = Double(run.model.flash - r.cost.flashBytes) / Double(r.cost.flashBytes)
            XCTAssertEqual(run.model.bss, r.cost.ramBytes, "\(r.label) on \(r.core): the arena is model.o's only RAM")
            // The stack model.h states: its own frame within the bound, every kernel's depth as tabled.
            let stated = r.writer.stackBytes.first { $0.core == r.core.name }!.bytes
            XCTAssertLessThanOrEqual(run.stackBytes, stated, "\(r.label) on \(r.core): model.h understates the stack")
            XCTAssertLessThanOrEqual(run.invokeFrameBytes, CKernels.invokeFrameBytes, "\(r.label) on \(r.core)")
            for (kernel, bytes) in CKernels.stackBytes[r.core.name]! {
                XCTAssertEqual(run.kernelStackBytes[kernel], bytes, "\(kernel) on \(r.core): update CKernels.stackBytes")
            }
            XCTAssertEqual(run.opInstructions.count, r.writer.graph.ops.count)
            table += r.label.padding(toLength: 28, withPad: " ", startingAt: 0) + r.core.name.padding(toLength: 12, withPad: " ", startingAt: 0)
                + String(format: "%11d %8d %+6.2f%% %5d/%-5d %5d %12.0f\n", r.cost.flashBytes, run.model.flash, 100 * error,
                         run.model.bss, r.cost.ramBytes, run.stackBytes, run.instructions)
        }
        print(table)
    }

    /// model.o's flash (text + data) from arm-none-eabi-size, per core, against the cost model's
    /// flash for every family at 8, 4 and 2 bits, on networks of the sizes searches produce:
    /// within 2% (the arrays are counted exactly; each op's parameter record and call by
    /// `CostReport.descriptorBytes` of its kind, model_invoke by `invokeBytes`); its .bss is the
    /// arena.
    func testModelObjectsTakeTheCostModelsFlash() throws {
        if let missing = EmbeddedHarness.missingToolchain() { throw XCTSkip("Cortex-M size check skipped: \(missing)") }
        var rng = SeededGenerator(seed: 8)
        let models: [(String, Model)] = [
            ("cnn", try Architectures.plainCNN(input: [32, 32, 3], classes: 10, width: 16, depth: 3, seed: 1, rng: &rng)),
            ("cnn1d", try Architectures.plainCNN(input: [128, 3], classes: 6, width: 16, depth: 3, kernel: 5, seed: 1, rng: &rng)),
            ("resnet", try Architectures.resnet(input: [32, 32, 3], classes: 10, rng: &rng)),
            ("mobilenet", try Architectures.mobileNetV3(input: [32, 32, 3], classes: 10, width: 0.5, blocks: 4, rng: &rng)),
            ("dscnn", try Architectures.dsCNN(input: [49, 10, 1], classes: 12, filters: 32, blocks: 3, rng: &rng)),
            ("mlp", try Architectures.mlp(input: [128], classes: 10, units: 64, layers: 2, seed: 1, rng: &rng)),
        ]
        let base = try temporaryDirectory("flash")
        defer { try? FileManager.default.removeItem(atPath: base) }
        var table = "network          core        flash(cost)  model.o   error\n"
        for (name, model) in models {
            let weighted = try DeploymentGraph(model).ops.filter { $0.weights > 0 }.count
            for bits in [8, 4, 2] {
                let widths = Array(repeating: bits, count: weighted)
                let network = try integerNetwork(model, bits: widths)
                let directory = base + "/\(name)-\(bits)"
                _ = try CModelWriter(network).write(to: directory)
                for core in CortexMCore.all {
                    let cc = (["arm-none-eabi-gcc"] + core.gccFlags + CortexMCore.commonFlags + ["-c", "model.c", "-o", "model.o"]).joined(separator: " ")
                    let build = try shell("\(cc) && arm-none-eabi-size model.o", in: directory)
                    XCTAssertEqual(build.status, 0, build.output)
                    let fields = build.output.split(separator: "\n").last?.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Int($0) } ?? []
                    guard fields.count >= 3 else { XCTFail("\(name): \(build.output)"); continue }
                    let board = TargetBoard(name: "test", core: .named(core.name), clockHz: 1e8, ramBytes: 1 << 20, flashBytes: 1 << 22)
                    let cost = CostReport(network.folded.graph, board: board, bits: network.weightBits.compactMap { $0 },
                                          nonZeroWeights: network.nonZeroWeights)
                    let error = Double(fields[0] + fields[1] - cost.flashBytes) / Double(cost.flashBytes)
                    XCTAssertLessThanOrEqual(abs(error), 0.02, "\(name) \(bits)-bit on \(core): model.o \(fields[0] + fields[1]) B vs cost \(cost.flashBytes) B")
                    XCTAssertEqual(fields[2], cost.ramBytes, "\(name) \(bits)-bit on \(core): .bss is the arena")
                    table += "\(name) \(bits)-bit".padding(toLength: 17, withPad: " ", startingAt: 0) + core.name.padding(toLength: 12, withPad: " ", startingAt: 0)
                        + String(format: "%11d %8d %+6.2f%%\n", cost.flashBytes, fields[0] + fields[1], 100 * error)
                }
            }
        }
        print(table)
    }

    /// The cost model's latency is the exported code's: its predicted instruction count (the
    /// model fitted by bench/mcu-bench --fit) is within 10% of the count measured on the emulated
    /// M0+, M4 and M7, on networks of every family that the fit did not see, at 8 and 4 bits, and
    /// on pruned ones whose layers are stored as bitmaps of non-zeros (their sparse kernels have
    /// their own fitted models).
    func testLatencyModelPredictsHeldOutNetworks() throws {
        if let missing = EmbeddedHarness.missingToolchain() { throw XCTSkip("latency check skipped: \(missing)") }
        var rng = SeededGenerator(seed: 21)
        let models: [(String, Model)] = [
            ("cnn", try Architectures.plainCNN(input: [20, 20, 3], classes: 6, width: 12, depth: 2, seed: 21, rng: &rng)),
            ("cnn1d", try Architectures.plainCNN(input: [48, 2], classes: 4, width: 10, depth: 2, kernel: 3, seed: 22, rng: &rng)),
            ("resnet", try Architectures.resnet(input: [12, 12, 3], classes: 4, width: 6, stacks: 2, rng: &rng)),
            ("mobilenet", try Architectures.mobileNetV3(input: [20, 20, 3], classes: 5, width: 0.75, blocks: 3, rng: &rng)),
            ("dscnn", try Architectures.dsCNN(input: [30, 8, 1], classes: 5, filters: 24, blocks: 2, rng: &rng)),
            ("mlp", try Architectures.mlp(input: [40], classes: 4, units: 48, layers: 2, seed: 23, rng: &rng)),
            ("cnn-pruned", try Architectures.plainCNN(input: [18, 18, 3], classes: 5, width: 10, depth: 2, seed: 31, rng: &rng)),
            ("dscnn-pruned", try Architectures.dsCNN(input: [28, 8, 1], classes: 5, filters: 20, blocks: 2, rng: &rng)),
            ("mlp-pruned", try Architectures.mlp(input: [56], classes: 4, units: 40, layers: 2, seed: 33, rng: &rng)),
        ]
        for (_, model) in models {
            let size = model.inputShape.reduce(1, *)
            _ = model.forward(Tensor(shape: [8] + model.inputShape, data: (0..<(8 * size)).map { _ in rng.uniform(-1.5, 1.5) }), training: true)
        }
        for (family, model) in models where family.hasSuffix("-pruned") { try prune(model, rates: [0.7, 0.6, 0.85]) }
        var cases: [Case] = []
        for (family, model) in models {
            let weighted = try DeploymentGraph(model).ops.filter { $0.weights > 0 }.count
            for b in [8, 4] { cases.append(Case(family: family, model: model, bits: Array(repeating: b, count: weighted))) }
        }
        var table = "network             core        measured  predicted  error\n"
        for r in try runAll(cases, inputs: 4) {
            let run: EmbeddedHarness.Run
            do { run = try r.run.get() } catch { XCTFail("\(r.label) on \(r.core): \(error)"); continue }
            XCTAssertEqual(run.outputs, r.expected, "\(r.label) on \(r.core)")
            guard let predicted = r.cost.instructions else { XCTFail("\(r.label): no instruction model for \(r.core)"); continue }
            let error = (predicted - run.instructions) / run.instructions
            XCTAssertLessThanOrEqual(abs(error), 0.10, "\(r.label) on \(r.core): predicted \(predicted), measured \(run.instructions)")
            XCTAssertTrue(r.cost.latencyBasis.contains("emulated instruction counts"))
            if r.label.contains("-pruned") { XCTAssertFalse(r.cost.sparseLayers.isEmpty, "\(r.label): no layer is stored sparse") }
            table += r.label.padding(toLength: 20, withPad: " ", startingAt: 0) + r.core.name.padding(toLength: 12, withPad: " ", startingAt: 0)
                + String(format: "%9.0f %10.0f %+6.1f%%\n", run.instructions, predicted, 100 * error)
        }
        print(table)
    }
}
