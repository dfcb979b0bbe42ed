import Foundation
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
        let board = TargetBoard(name: "test", core: .cortexM4, clockHz: 1e8, ramBytes: 1 << 20, flashBytes: 1 << 21)
        for (n, model) in try exportModels().enumerated() {
            let weighted = try DeploymentGraph(model).ops.filter { $0.weights > 0 }.count
            // Mixed bit-widths on one model: 4-bit weights take the same path as 8-bit ones.
            let bits = n == 2 ? (0..<weighted).map { $0 % 2 == 0 ? 4 : 8 } : []
            let network = try integerNetwork(model, bits: bits)
            let directory = try temporaryDirectory("c\(n)")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let writer = CModelWriter(network, normalization: (mean: [0.5], std: [2]))
            let files = try writer.write(to: directory)
            XCTAssertEqual(files.map { ($0.path as NSString).lastPathComponent }, ["model.h", "model.c", "nas_kernels.h", "nas_kernels.c"])
            try Self.harness.write(toFile: directory + "/main.c", atomically: true, encoding: .utf8)
            let build = try shell("gcc -std=c99 -Wall -Wextra -Werror -pedantic -O2 -o model main.c model.c nas_kernels.c", in: directory)
            XCTAssertEqual(build.status, 0, "\(model.name): \(build.output)")

            // 200 inputs: random int8 tensors (every clamp and padding path) and quantized samples.
            var rng = SeededGenerator(seed: UInt64(20 + n))
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
                XCTAssertEqual(got, expected, "\(model.name) input \(i)")
                distinct.insert(expected)
            }
            XCTAssertGreaterThan(distinct.count, 20, "\(model.name): outputs should depend on the input")

            let ram = CostReport(graph, board: board, bits: bits).ramBytes
            XCTAssertEqual(run.output, "arena \(ram)\n", "\(model.name): the arena is the cost model's RAM")
            XCTAssertTrue(try String(contentsOfFile: directory + "/model.c", encoding: .utf8).contains("halves[\(ram / 2)]"))
        }
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
