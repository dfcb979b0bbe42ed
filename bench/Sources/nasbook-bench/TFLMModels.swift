import NasCore
import ArgumentParser
import Foundation
import NasCost
import NasData
import NasExport
import NasFiles
import NasNN
import NasQuant

/// Writes one .tflite per model family (the DSL's default sizes) and a manifest with, for each,
/// the cost model's RAM (the C export's arena), that plan without kernel scratch, and our plan of
/// the .tflite's own activation tensors (`TFLiteWriter.activationArena`), for bench/tflm-arena
/// to set against TensorFlow Lite Micro's own arena report.
struct TFLMModels: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tflm-models",
        abstract: "Exports every family as .tflite with the cost model's RAM, for bench/tflm-arena."
    )

    @Option(help: "Folder for the .tflite files and manifest.json.") var out: String

    /// The families at the DSL's default settings and default inputs.
    static func models() throws -> [(String, Model)] {
        var rng = SeededGenerator(seed: 1)
        return [
            ("cnn", try Architectures.plainCNN(input: [32, 32, 3], classes: 10, seed: 1, rng: &rng)),
            ("cnn1d", try Architectures.plainCNN(input: [128, 3], classes: 6, seed: 1, rng: &rng)),
            ("resnet", try Architectures.resnet(input: [32, 32, 3], classes: 10, rng: &rng)),
            ("mobilenet", try Architectures.mobileNetV3(input: [32, 32, 3], classes: 10, rng: &rng)),
            ("dscnn", try Architectures.dsCNN(input: [49, 10, 1], classes: 12, rng: &rng)),
            ("mlp", try Architectures.mlp(input: [64], classes: 4, seed: 1, rng: &rng)),
        ]
    }

    func run() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let board = TargetBoard(name: "any", core: .cortexM4, clockHz: 64e6, ramBytes: 1 << 30, flashBytes: 1 << 30)
        var entries: [[String: Any]] = []
        for (name, model) in try Self.models() {
            var rng = SeededGenerator(seed: 2)
            let size = model.inputShape.reduce(1, *)
            let samples = (0..<16).map { _ in (0..<size).map { _ in rng.uniform(-1, 1) } }
            let network = IntegerNetwork(try FoldedNetwork(model), calibration: samples)
            let path = (out as NSString).appendingPathComponent(name + ".tflite")
            _ = try TFLiteWriter(network).write(to: path)
            let graph = network.folded.graph
            let report = CostReport(graph, board: board)
            // The same plan without kernel scratch: the activation tensors alone.
            let tensors = MemoryPlan(Array(ArenaPlan(graph).plan.buffers.prefix(graph.tensors.count))).arenaSize
            entries.append(["name": name, "tflite": path, "ram": report.ramBytes, "tensor_arena": tensors,
                            "tflite_plan": try TFLiteWriter(network).activationArena().arenaSize,
                            "scratch_bytes": graph.ops.map(\.scratchBytes).max() ?? 0,
                            "tensors": graph.tensors.count, "ops": graph.ops.count])
        }
        let manifest = try JSONSerialization.data(withJSONObject: ["models": entries], options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write([((out as NSString).appendingPathComponent("manifest.json"), manifest)])
    }
}
