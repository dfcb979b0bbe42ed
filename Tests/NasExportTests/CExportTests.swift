import Foundation
import NasCore
import NasCost
import NasData
import NasNN
import NasQuant
import XCTest
@testable import NasExport

/// The exported C, compiled with gcc as strictly as firmware builds are, computes exactly what
/// the engine's integer inference computes, in exactly the arena the cost model reports.
final class CExportTests: XCTestCase {
    static let harness = """
    #include <stdio.h>
    #include "model.h"

    int main(void) {
        int8_t in[MODEL_INPUT_SIZE], out[MODEL_OUTPUT_SIZE];
        fprintf(stderr, "arena %d\\n", MODEL_ARENA_SIZE);
        while (fread(in, 1, MODEL_INPUT_SIZE, stdin) == MODEL_INPUT_SIZE) {
            model_invoke(in, out);
            fwrite(out, 1, MODEL_OUTPUT_SIZE, stdout);
        }
        return 0;
    }

    """

    func testCompiledExportMatchesIntegerInferenceBitForBit() throws {
        for (n, model) in try exportModels().enumerated() {
            let weighted = try DeploymentGraph(model).weightedOps.count
            // Mixed bit-widths on one model: packed 4-bit layers between int8 ones.
            try assertBitExact(model, name: "c\(n)", seed: UInt64(20 + n), bits: n == 2 ? (0..<weighted).map { $0 % 2 == 0 ? 4 : 8 } : [])
        }
    }

    /// Every width from 2 to 7 bits in every weighted kernel (conv, depthwise, dense), packed
    /// and decoded on the fly, still computes exactly what the engine computes.
    func testPackedWeightsOfEveryWidthMatchIntegerInferenceBitForBit() throws {
        let models = try exportModels()
        var covered = Set<String>()
        for (n, shift) in [(0, 0), (3, 0), (3, 3), (4, 1), (4, 4)] {
            let ops = try DeploymentGraph(models[n]).weightedOps
            let bits = ops.indices.map { 2 + ($0 + shift) % 6 }
            for (op, b) in zip(ops, bits) { covered.insert("\(op.kind.rawValue) \(b)") }
            try assertBitExact(models[n], name: "p\(n)-\(shift)", seed: UInt64(40 + n + shift), bits: bits)
        }
        for kind in ["conv", "depthwise_conv", "fully_connected"] {
            for b in 2...7 { XCTAssertTrue(covered.contains("\(kind) \(b)"), "\(kind) \(b)-bit is not tested") }
        }
    }

    /// The weight bytes the compiled model holds per layer are the bytes the cost model's flash
    /// figure counts for it, at every bit-width, so the search optimizes what is flashed.
    func testCompiledWeightsTakeTheCostModelsBytes() throws {
        let board = TargetBoard(name: "test", core: .cortexM4, clockHz: 1e8, ramBytes: 1 << 20, flashBytes: 1 << 21)
        for (n, model) in try exportModels().enumerated() {
            let weighted = try DeploymentGraph(model).weightedOps.count
            let bits = (0..<weighted).map { 2 + ($0 + n) % 7 }
            let network = try integerNetwork(model, bits: bits)
            let directory = try temporaryDirectory("w\(n)")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            _ = try CModelWriter(network).write(to: directory)
            let build = try shell("gcc -std=c99 -Wall -Wextra -Werror -pedantic -O2 -c model.c && nm -S model.o", in: directory)
            XCTAssertEqual(build.status, 0, "\(model.name): \(build.output)")
            // nm -S: address, size (hex), type, name.
            var sizes: [String: Int] = [:]
            for line in build.output.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count == 4, let size = Int(fields[1], radix: 16) { sizes[String(fields[3])] = size }
            }
            let report = CostReport(network.folded.graph, board: board, bits: try widths(bits))
            var checked = 0
            for (i, op) in network.folded.graph.ops.enumerated() where op.weighted != nil {
                XCTAssertEqual(sizes["op\(i)_w"], report.layers[i].weightBytes, "\(model.name) op \(i), \(bits[checked]) bits")
                XCTAssertEqual(report.layers[i].weightBytes, (op.weights * bits[checked] + 7) / 8)
                checked += 1
            }
            XCTAssertEqual(checked, weighted)
        }
    }

    /// Pruned layers stored as a bitmap of non-zeros plus their values, with kernels that skip
    /// the zeros, compute exactly what the engine computes: conv (with and without scratch),
    /// depthwise and dense kernels at every width from 2 to 8 bits, between dense layers.
    func testSparseLayersOfEveryWidthMatchIntegerInferenceBitForBit() throws {
        var covered = Set<String>()
        for (n, shift) in [(0, 0), (3, 0), (3, 19), (3, 2), (4, 1), (5, 0)] {
            let model = try exportModels()[n]
            let layers = try DeploymentGraph(model).ops.filter { $0.weights > 0 }.count
            // Every third layer stays whole (dense); the others lose 70% of their weights.
            try prune(model, rates: (0..<layers).map { ($0 + shift) % 3 == 2 ? 0 : 0.7 })
            let bits = (0..<layers).map { 2 + ($0 + shift) % 7 }
            let network = try integerNetwork(model, bits: bits)
            let writer = CModelWriter(network)
            let sparse = writer.sparseLayers
            XCTAssertFalse(sparse.isEmpty, model.name)
            XCTAssertLessThan(sparse.count, layers, "\(model.name): whole layers stay dense")
            for (op, storage) in sparse { covered.insert("\(network.folded.graph.ops[op].kind.rawValue) \(storage.bits)") }
            let source = try writer.model()
            XCTAssertEqual(source.components(separatedBy: "_sparse(").count - 1, sparse.count, model.name)
            try assertBitExact(model, name: "s\(n)-\(shift)", seed: UInt64(60 + n + shift), bits: bits)
        }
        for kind in ["conv", "depthwise_conv", "fully_connected"] {
            for b in 2...8 { XCTAssertTrue(covered.contains("\(kind) \(b)"), "sparse \(kind) \(b)-bit is not tested") }
        }
    }

    /// The sparse kernels' rarer paths: a 1x1 depthwise convolution (no scratch), a grouped
    /// convolution (one map walked group by group) and a pointwise one, pruned, bit-exact.
    func testSparseDepthwisePointwiseAndGroupedConvolutionsMatchBitForBit() throws {
        var rng = SeededGenerator(seed: 12)
        let model = try Model(name: "kernels", inputShape: [7, 7, 4], classes: 5, layers: [
            Conv2D(inChannels: 4, outChannels: 8, kernel: 3, rng: &rng), Activation(.relu),
            Conv2D(inChannels: 8, outChannels: 8, kernel: 1, groups: 8, rng: &rng),
            Conv2D(inChannels: 8, outChannels: 8, kernel: 3, groups: 2, rng: &rng), Activation(.relu),
            Conv2D(inChannels: 8, outChannels: 8, kernel: 1, rng: &rng),
            GlobalAvgPool(), Dense(inFeatures: 8, outFeatures: 5, rng: &rng),
        ])
        try prune(model, rates: [0.7])
        let graph = try DeploymentGraph(model)
        XCTAssertEqual(graph.ops.filter { $0.weights > 0 }.map(\.kind), [.conv, .depthwiseConv, .conv, .conv, .fullyConnected])
        XCTAssertEqual(graph.ops[1].scratchBytes, 0, "the 1x1 depthwise runs without scratch")
        for bits in [[8, 8, 8, 8, 8], [3, 5, 4, 2, 6]] {
            let writer = CModelWriter(try integerNetwork(model, bits: bits))
            XCTAssertEqual(writer.sparseLayers.count, 5, "\(bits)")
            try assertBitExact(model, name: "k\(bits[0])", seed: UInt64(80 + bits[0]), bits: bits)
        }
    }

    /// A sparse layer's map and values take exactly the bytes the cost model's flash counts for
    /// it (given the network's non-zero counts), a layer of zeros its map alone, and dense layers
    /// their packed bytes, so pruning buys the flash the search is shown.
    func testSparseLayersTakeTheCostModelsBytes() throws {
        let board = TargetBoard(name: "test", core: .cortexM4, clockHz: 1e8, ramBytes: 1 << 20, flashBytes: 1 << 21)
        var sparseSeen = 0, denseSeen = 0
        for (n, model) in try exportModels().enumerated() {
            let layers = try DeploymentGraph(model).ops.filter { $0.weights > 0 }.count
            // 0.999 zeroes a whole layer; 0.1 leaves too few zeros for a bitmap to pay at 8 bits.
            try prune(model, rates: [0.6, 0.999, 0.1, 0.3, 0.8].rotated(by: n))
            let bits = (0..<layers).map { 2 + ($0 + n) % 7 }
            let network = try integerNetwork(model, bits: bits)
            let directory = try temporaryDirectory("z\(n)")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let writer = CModelWriter(network)
            _ = try writer.write(to: directory)
            let build = try shell("gcc -std=c99 -Wall -Wextra -Werror -pedantic -O2 -c model.c && nm -S model.o", in: directory)
            XCTAssertEqual(build.status, 0, "\(model.name): \(build.output)")
            var sizes: [String: Int] = [:]
            for line in build.output.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count == 4, let size = Int(fields[1], radix: 16) { sizes[String(fields[3])] = size }
            }
            let report = CostReport(network.folded.graph, board: board, bits: try widths(bits), nonZeroWeights: network.nonZeroWeights)
            for (i, op) in network.folded.graph.ops.enumerated() where op.weights > 0 {
                let storage = try XCTUnwrap(report.layers[i].storage)
                XCTAssertEqual(storage, writer.weightStorage[i], "\(model.name) op \(i): the writer stores what the cost model counts")
                XCTAssertEqual((sizes["op\(i)_w"] ?? 0) + (sizes["op\(i)_z"] ?? 0), report.layers[i].weightBytes,
                               "\(model.name) op \(i), \(storage)")
                if storage.isSparse {
                    sparseSeen += 1
                    XCTAssertEqual(sizes["op\(i)_z"], (op.weights + 7) / 8)
                    XCTAssertEqual(sizes["op\(i)_w"], storage.nonZero == 0 ? nil : (storage.nonZero * storage.bits + 7) / 8)
                    XCTAssertLessThan(report.layers[i].weightBytes, (op.weights * storage.bits + 7) / 8)
                } else {
                    denseSeen += 1
                    XCTAssertNil(sizes["op\(i)_z"])
                }
            }
        }
        XCTAssertGreaterThan(sparseSeen, 5)
        XCTAssertGreaterThan(denseSeen, 3)
    }

    /// Compiles `model`'s export with `bits` and compares its outputs on 200 inputs with the
    /// engine's integer inference; its arena must be the cost model's RAM.
    func assertBitExact(_ model: Model, name: String, seed: UInt64, bits: [Int]) throws {
        let board = TargetBoard(name: "test", core: .cortexM4, clockHz: 1e8, ramBytes: 1 << 20, flashBytes: 1 << 21)
        let network = try integerNetwork(model, bits: bits)
        let directory = try temporaryDirectory(name)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = CModelWriter(network, normalization: (mean: [0.5], std: [2]))
        let files = try writer.write(to: directory)
        XCTAssertEqual(files.map { ($0.path as NSString).lastPathComponent }, ["model.h", "model.c", "nas_kernels.h", "nas_kernels.c"])
        try Self.harness.write(toFile: directory + "/main.c", atomically: true, encoding: .utf8)
        let build = try shell("gcc -std=c99 -Wall -Wextra -Werror -pedantic -O2 -o model main.c model.c nas_kernels.c", in: directory)
        XCTAssertEqual(build.status, 0, "\(model.name): \(build.output)")

        // 200 inputs: random int8 tensors (every clamp and padding path) and quantized samples.
        var rng = SeededGenerator(seed: seed)
        let size = model.inputShape.reduce(1, *)
        let inputs: [[Int8]] = (0..<200).map { i in
            i % 2 == 0 ? (0..<size).map { _ in Int8(truncatingIfNeeded: rng.nextInt(below: 256)) }
                : network.quantizeInput((0..<size).map { _ in rng.uniform(-2, 2) })
        }
        try Data(inputs.flatMap { $0.map { UInt8(bitPattern: $0) } }).write(to: URL(fileURLWithPath: directory + "/in.bin"))
        let run = try shell("./model < in.bin > out.bin", in: directory)
        XCTAssertEqual(run.status, 0, run.output)
        let outputs = try Data(contentsOf: URL(fileURLWithPath: directory + "/out.bin")).map { Int8(bitPattern: $0) }
        let graph = network.folded.graph
        let classes = graph.tensors[graph.output].bytes
        XCTAssertEqual(outputs.count, inputs.count * classes, model.name)
        var distinct = Set<[Int8]>()
        for (i, input) in inputs.enumerated() where outputs.count == inputs.count * classes {
            let expected = network.run(input)[graph.output]
            let got = Array(outputs[(i * classes)..<((i + 1) * classes)])
            XCTAssertEqual(got, expected, "\(model.name) \(bits) input \(i)")
            distinct.insert(expected)
        }
        XCTAssertGreaterThan(distinct.count, 20, "\(model.name) \(bits): outputs should depend on the input")

        let ram = CostReport(graph, board: board, bits: try widths(bits)).ramBytes
        XCTAssertEqual(run.output, "arena \(ram)\n", "\(model.name): the arena is the cost model's RAM")
        XCTAssertTrue(try String(contentsOfFile: directory + "/model.c", encoding: .utf8).contains("halves[\(ram / 2)]"))
    }

    /// The kernels use the scratch region the cost model counts: a convolution with scratch
    /// writes there, and every tensor and scratch buffer of the plan lies inside the arena.
    func testScratchIsPlannedInsideTheArena() throws {
        for model in try exportModels() {
            let network = try integerNetwork(model)
            let writer = CModelWriter(network)
            let graph = network.folded.graph
            let source = try writer.model()
            for (i, op) in graph.ops.enumerated() {
                if let scratch = writer.arena.scratch(ofOp: i) {
                    XCTAssertEqual(scratch.size, op.scratchBytes)
                    XCTAssertLessThanOrEqual(scratch.offset + scratch.size, writer.arena.arenaSize)
                    XCTAssertTrue(source.contains(", s + \(scratch.offset / 2), &op\(i),"), "\(model.name) op \(i)")
                }
            }
            XCTAssertFalse(writer.arena.plan.hasConflicts)
        }
    }
}

extension Array {
    /// The elements starting at index `start % count`, wrapping around (each model prunes its
    /// layers at a different rotation of the same rates).
    func rotated(by start: Int) -> [Element] {
        let k = start % count
        return Array(self[k...] + self[..<k])
    }
}
