import Foundation
import NasCore
import NasData
import NasNN
import NasQuant

/// Small networks of every family (the MLP last), with batch norm statistics that make folding non-trivial
/// (the first has odd pixel counts, so convolutions also take their one-column tail path).
func exportModels() throws -> [Model] {
    var rng = SeededGenerator(seed: 4)
    let models = [
        try Architectures.plainCNN(input: [11, 11, 3], classes: 5, width: 4, depth: 2, seed: 1, rng: &rng),
        try Architectures.plainCNN(input: [24, 2], classes: 3, width: 4, depth: 2, kernel: 5, batchNorm: false, seed: 1, rng: &rng),
        try Architectures.resnet(input: [8, 8, 3], classes: 4, width: 4, stacks: 2, rng: &rng),
        try Architectures.mobileNetV3(input: [16, 16, 3], classes: 4, width: 0.5, blocks: 4, rng: &rng),
        try Architectures.dsCNN(input: [12, 6, 1], classes: 4, filters: 8, blocks: 2, rng: &rng),
        // Feature vectors: a FULLY_CONNECTED chain with batch norm folded and ReLU fused.
        try Architectures.mlp(input: [10], classes: 3, units: 12, layers: 2, seed: 1, rng: &rng),
    ]
    for model in models {
        let size = model.inputShape.reduce(1, *)
        let x = Tensor(shape: [8] + model.inputShape, data: (0..<(8 * size)).map { _ in rng.uniform(-1.5, 1.5) })
        _ = model.forward(x, training: true)
    }
    return models
}

/// An integer network calibrated on random samples; `bits` per weighted op.
func integerNetwork(_ model: Model, bits: [Int] = [], seed: UInt64 = 9) throws -> IntegerNetwork {
    var rng = SeededGenerator(seed: seed)
    let size = model.inputShape.reduce(1, *)
    let samples = (0..<16).map { _ in (0..<size).map { _ in rng.uniform(-2, 2) } }
    return IntegerNetwork(try FoldedNetwork(model), calibration: samples, bits: bits)
}

/// Runs a shell command; its exit status and what it wrote to stdout and stderr.
@discardableResult
func shell(_ command: String, in directory: String) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

func temporaryDirectory(_ name: String) throws -> String {
    let path = NSTemporaryDirectory() + "nasbook-export-\(name)-\(ProcessInfo.processInfo.processIdentifier)"
    try? FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
