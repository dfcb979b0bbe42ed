import ArgumentParser
import Foundation
import NasCore
import NasData
import NasExport
import NasFiles
import NasNN
import NasQuant

/// The exported C (gcc -O2) against the engine's own integer inference on the same network and
/// the same inputs, in one run; the outputs are checked equal before anything is timed.
struct ExportBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Inference time of the exported C model (gcc -O2) vs the engine's IntegerNetwork, same model and inputs."
    )

    @Option(help: "cnn (the largest of the quickstart's space: width 32, depth 4), smallcnn (width 16, depth 3), resnet8, dscnn, mobilenet.")
    var model = "cnn"
    @Option(help: "Weight bit-width (2 to 8) of every weighted layer; below 8 the C stores them packed.")
    var bits = 8
    @Option(help: "Distinct inputs (quantized synthetic samples).") var inputs = 20
    @Option(help: "Seconds to time each side for, at least.") var seconds = 2.0
    @Option(help: "C compiler.") var cc = "gcc"

    func run() throws {
        var rng = SeededGenerator(seed: 1)
        let network: Model
        let data: Dataset
        switch model {
        case "cnn", "smallcnn":
            data = Synthetic.shapes(count: 200, size: 32, seed: 1)
            network = try Architectures.plainCNN(input: data.sampleShape, classes: data.classCount, width: model == "cnn" ? 32 : 16,
                                                 depth: model == "cnn" ? 4 : 3, seed: 1, rng: &rng)
        case "resnet8":
            data = Synthetic.shapes(count: 200, size: 32, seed: 1)
            network = try Architectures.resnet(input: data.sampleShape, classes: data.classCount, rng: &rng)
        case "mobilenet":
            data = Synthetic.shapes(count: 200, size: 32, seed: 1)
            network = try Architectures.mobileNetV3(input: data.sampleShape, classes: data.classCount, rng: &rng)
        case "dscnn":
            data = Synthetic.motion(count: 200, length: 49, seed: 1)
            network = try Architectures.dsCNN(input: [49, 10, 1], classes: data.classCount, rng: &rng)
        default:
            throw ValidationError("unknown model \(model)")
        }
        let size = network.inputShape.reduce(1, *)
        let sample = { (i: Int) -> [Float] in
            data.sampleShape == network.inputShape ? Array(data.sample(i % data.count)) : (0..<size).map { _ in rng.uniform(-1, 1) }
        }
        guard (2...8).contains(bits) else { throw ValidationError("--bits must be 2 to 8") }
        let folded = try FoldedNetwork(network)
        let widths = [Int](repeating: bits, count: folded.graph.ops.filter { $0.weights > 0 }.count)
        let integer = IntegerNetwork(folded, calibration: (0..<100).map(sample), bits: widths)
        let batch = (0..<inputs).map { integer.quantizeInput(sample(100 + $0)) }

        let directory = NSTemporaryDirectory() + "nasbook-export-bench-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = CModelWriter(integer)
        _ = try writer.write(to: directory)
        try AtomicFile.write([(directory + "/bench.c", Data(Self.harness.utf8)),
                              (directory + "/in.bin", Data(batch.flatMap { $0.map { UInt8(bitPattern: $0) } }))])
        try shell("\(cc) -std=c99 -Wall -Wextra -Werror -pedantic -O2 -o bench bench.c model.c nas_kernels.c", in: directory)
        let report = try shell("./bench \(inputs) \(seconds) < in.bin > out.bin", in: directory)

        // Same outputs, then the engine's time on the same inputs.
        let graph = integer.folded.graph, classes = graph.tensors[graph.output].bytes
        let cOutputs = try Data(contentsOf: URL(fileURLWithPath: directory + "/out.bin")).map { Int8(bitPattern: $0) }
        for (i, input) in batch.enumerated() where Array(cOutputs[(i * classes)..<((i + 1) * classes)]) != integer.run(input)[graph.output] {
            throw ValidationError("input \(i): the C output differs from the engine's")
        }
        var runs = 0
        let start = Date()
        repeat {
            _ = integer.run(batch[runs % batch.count])
            runs += 1
        } while Date().timeIntervalSince(start) < seconds
        let engine = Date().timeIntervalSince(start) / Double(runs)
        guard let cSeconds = Double(report.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ValidationError("unexpected harness output: \(report)")
        }
        print(String(format: "%@ (%d ops, %.2f M MACs, %d-bit weights, arena %d B): exported C (%@ -O2) %.3f ms/inference, engine IntegerNetwork %.3f ms/inference (%d runs): C is %.1fx faster; outputs equal on %d inputs",
                     model, graph.ops.count, Double(network.macs) / 1e6, bits, writer.arena.arenaSize, cc, cSeconds * 1e3, engine * 1e3, runs,
                     engine / cSeconds, inputs))
    }

    static let harness = """
    #define _POSIX_C_SOURCE 199309L
    #include <stdio.h>
    #include <stdlib.h>
    #include <time.h>
    #include "model.h"

    /* bench N SECONDS < inputs > outputs: writes the outputs of the N inputs, then prints the
       seconds per inference over repeated passes lasting at least SECONDS. */
    int main(int argc, char **argv) {
        int n = argc > 1 ? atoi(argv[1]) : 1, i, runs = 0;
        double seconds = argc > 2 ? atof(argv[2]) : 1.0, elapsed;
        int8_t *in = malloc((size_t)n * MODEL_INPUT_SIZE), out[MODEL_OUTPUT_SIZE];
        struct timespec start, now;
        if (in == 0 || fread(in, MODEL_INPUT_SIZE, (size_t)n, stdin) != (size_t)n) return 1;
        for (i = 0; i < n; i++) {
            model_invoke(in + (size_t)i * MODEL_INPUT_SIZE, out);
            fwrite(out, 1, MODEL_OUTPUT_SIZE, stdout);
        }
        clock_gettime(CLOCK_MONOTONIC, &start);
        do {
            for (i = 0; i < n; i++, runs++) model_invoke(in + (size_t)i * MODEL_INPUT_SIZE, out);
            clock_gettime(CLOCK_MONOTONIC, &now);
            elapsed = (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
        } while (elapsed < seconds);
        fprintf(stderr, "%.9f\\n", elapsed / runs);
        free(in);
        return 0;
    }

    """

    /// Runs a shell command in `directory`; its stderr, or an error with it if the command failed.
    @discardableResult
    func shell(_ command: String, in directory: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let pipe = Pipe()
        process.standardError = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("\(command) failed: \(text)") }
        return text
    }
}
