import Foundation
import NasCore
import NasCost
import NasData
import NasNN
import NasQuant
import XCTest
@testable import NasExport

final class TFLiteExportTests: XCTestCase {
    /// The file parses back as TFLite's schema says: identifier, op codes, shapes, per-channel
    /// int8 weights with the network's scales, int32 biases, activations' scales and zero points.
    func testFlatbufferReadsBackWithTheNetworksGraphAndQuantization() throws {
        for model in try exportModels() {
            let network = try integerNetwork(model)
            let graph = network.folded.graph
            let r = FlatBufferReader(bytes: try TFLiteWriter(network).flatbuffer())
            XCTAssertEqual(r.identifier, "TFL3")
            let root = r.root
            XCTAssertEqual(r.scalar(root, 0, size: 4), 3, "schema version")
            let codes = r.tables(root, 1).map { r.scalar($0, 3, size: 4) }
            let subgraph = try XCTUnwrap(r.tables(root, 2).first)
            let tensors = r.tables(subgraph, 0), operators = r.tables(subgraph, 3), buffers = r.tables(root, 4)
            XCTAssertTrue(r.data(buffers[0], 0).isEmpty, "buffer 0 is the empty sentinel")

            // Input and output: the graph's, batch first, int8 with the calibrated parameters.
            let input = tensors[r.ints(subgraph, 1)[0]], output = tensors[r.ints(subgraph, 2)[0]]
            XCTAssertEqual(r.ints(input, 0), TFLiteWriter.shape(graph.tensors[graph.input].shape), model.name)
            XCTAssertEqual(r.ints(output, 0), [1, model.classes], model.name)
            for (tensor, t) in [(input, graph.input), (output, graph.output)] {
                XCTAssertEqual(r.scalar(tensor, 1, size: 1), 9, "int8")
                let q = try XCTUnwrap(r.table(tensor, 4))
                XCTAssertEqual(r.floats(q, 2), [network.params[t].scale])
                XCTAssertEqual(r.longs(q, 3), [Int64(network.params[t].zeroPoint)])
            }

            // Every weighted op: its weights per channel, bit for bit, and int32 biases.
            var weighted = 0
            for op in operators {
                let code = codes[r.scalar(op, 0, size: 4)]
                XCTAssertTrue([0, 1, 3, 4, 9, 14, 17, 18, 34, 40, 114, 117].contains(code), "op code \(code)")
                guard [3, 4, 9].contains(code) else { continue }
                let index = graph.ops.indices.filter { network.weights[$0] != nil }[weighted]
                weighted += 1
                let inputs = r.ints(op, 1)
                let weights = tensors[inputs[1]], bias = tensors[inputs[2]]
                let wq = try XCTUnwrap(r.table(weights, 4))
                XCTAssertEqual(r.floats(wq, 2), network.weightScales[index]!)
                XCTAssertEqual(r.scalar(wq, 6, size: 4), code == 4 ? 3 : 0, "quantized dimension")
                let values = r.data(buffers[r.scalar(weights, 2, size: 4)], 0).map { Int8(bitPattern: $0) }
                XCTAssertEqual(values.sorted(), network.weights[index]!.sorted())
                XCTAssertEqual(values.count, r.ints(weights, 0).reduce(1, *))
                XCTAssertEqual(r.scalar(bias, 1, size: 1), 2, "int32")
                let biasData = r.data(buffers[r.scalar(bias, 2, size: 4)], 0)
                XCTAssertEqual(biasData.count, 4 * network.biases[index]!.count)
                XCTAssertEqual(Int32(truncatingIfNeeded: Int(biasData[0]) | Int(biasData[1]) << 8 | Int(biasData[2]) << 16 | Int(biasData[3]) << 24),
                               network.biases[index]![0])
            }
            XCTAssertEqual(weighted, network.weights.compactMap { $0 }.count, model.name)
        }
    }

    static let script = """
    import sys
    import numpy as np
    runtime, model, inputs, outputs = sys.argv[1:5]
    results = []
    if runtime == "litert":
        from ai_edge_litert.interpreter import Interpreter
        interpreter = Interpreter(model_path=model)
        interpreter.allocate_tensors()
        i = interpreter.get_input_details()[0]
        o = interpreter.get_output_details()[0]
        x = np.fromfile(inputs, dtype=np.int8).reshape((-1,) + tuple(i["shape"][1:]))
        for sample in x:
            interpreter.set_tensor(i["index"], sample[None])
            interpreter.invoke()
            results.append(interpreter.get_tensor(o["index"]).reshape(-1))
    else:
        from tflite_micro import runtime as micro
        interpreter = micro.Interpreter.from_file(model)
        shape = interpreter.get_input_details(0)["shape"]
        x = np.fromfile(inputs, dtype=np.int8).reshape((-1,) + tuple(shape[1:]))
        for sample in x:
            interpreter.set_input(sample[None], 0)
            interpreter.invoke()
            results.append(interpreter.get_output(0).reshape(-1))
        interpreter.print_allocations()  # to stderr: the arena's head (planned tensors) and tail
    np.array(results, dtype=np.int8).tofile(outputs)

    """

    /// Optional: TensorFlow Lite's interpreters (PyPI ai-edge-litert and tflite-micro, installed
    /// by bench/setup-litert into bench/.venv) load the file and agree with the integer engine to
    /// within a few quantization steps (their kernels round differently; see TFLiteWriter).
    func testLiteRTInterpreterAgreesWithIntegerInference() throws {
        try compareWithInterpreter("litert", importing: "from ai_edge_litert import interpreter", package: "ai-edge-litert")
    }

    func testTFLiteMicroInterpreterAgreesWithIntegerInference() throws {
        try compareWithInterpreter("micro", importing: "from tflite_micro import runtime", package: "tflite-micro")
    }

    func compareWithInterpreter(_ runtime: String, importing: String, package: String) throws {
        let python = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("bench/.venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python),
              try shell("'\(python)' -c '\(importing)'", in: "/").status == 0 else {
            throw XCTSkip("\(package) check skipped: bench/.venv has no \(package) (run bench/setup-litert to enable it)")
        }
        for (n, model) in try exportModels().enumerated() {
            let network = try integerNetwork(model)
            let directory = try temporaryDirectory("\(runtime)\(n)")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            _ = try TFLiteWriter(network).write(to: directory + "/model.tflite")
            try Self.script.write(toFile: directory + "/run.py", atomically: true, encoding: .utf8)
            var rng = SeededGenerator(seed: UInt64(40 + n))
            let size = model.inputShape.reduce(1, *)
            let inputs = (0..<50).map { _ in network.quantizeInput((0..<size).map { _ in rng.uniform(-2, 2) }) }
            try Data(inputs.flatMap { $0.map { UInt8(bitPattern: $0) } }).write(to: URL(fileURLWithPath: directory + "/in.bin"))
            let run = try shell("'\(python)' run.py \(runtime) model.tflite in.bin out.bin", in: directory)
            XCTAssertEqual(run.status, 0, "\(model.name): \(run.output)")
            let outputs = (try? Data(contentsOf: URL(fileURLWithPath: directory + "/out.bin")).map { Int8(bitPattern: $0) }) ?? []
            let classes = model.classes
            guard outputs.count == inputs.count * classes else { XCTFail("\(model.name): \(outputs.count) outputs"); continue }
            var worst = 0, agree = 0
            for (i, input) in inputs.enumerated() {
                let expected = network.run(input)[network.folded.graph.output]
                let got = Array(outputs[(i * classes)..<((i + 1) * classes)])
                worst = max(worst, zip(expected, got).map { abs(Int($0) - Int($1)) }.max()!)
                if expected.indices.max(by: { expected[$0] < expected[$1] }) == got.indices.max(by: { got[$0] < got[$1] }) { agree += 1 }
            }
            print("\(package) vs integer engine, \(model.name): max difference \(worst) steps, same class on \(agree)/\(inputs.count)")
            // Measured (max steps; LiteRT / TFLite Micro): cnn 0/1, cnn1d 0/2, resnet 2/2, dscnn 0/2,
            // mobilenet 4/6 (fixed-point hard-swish and the ADD+MUL hard sigmoid against tables).
            XCTAssertLessThanOrEqual(worst, 8, model.name)
            XCTAssertGreaterThanOrEqual(agree, inputs.count * 9 / 10, model.name)
            if runtime == "micro" {
                // TFLM's own arena: its planned head is the activation plan we compute for the file.
                let head = run.output.firstMatch(of: /Arena allocation head (\d+) bytes/).flatMap { Int($0.1) }
                let tail = run.output.firstMatch(of: /Arena allocation tail (\d+) bytes/).flatMap { Int($0.1) }
                let planned = try TFLiteWriter(network).activationArena().arenaSize
                XCTAssertEqual(head, planned, "\(model.name): TFLM's arena head against our plan of the .tflite\n\(run.output)")
                let ram = CostReport(network.folded.graph, board: TargetBoard(name: "t", core: .cortexM4, clockHz: 1e8, ramBytes: 1 << 30,
                                                                               flashBytes: 1 << 30)).ramBytes
                print("tflite-micro arena, \(model.name): head \(head ?? -1) B (planned \(planned)), tail \(tail ?? -1) B; cost model RAM \(ram) B")
            }
        }
    }
}
