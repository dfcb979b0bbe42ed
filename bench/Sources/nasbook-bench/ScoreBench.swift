import ArgumentParser
import CNasKernels
import Foundation
import NasCore
import NasData
import NasNN
import NasQuant

/// Scoring a trial, scalar reference against the batched kernels, on one trained network in
/// one run: calibration (float ranges over the calibration samples) plus float and int8
/// classification of the scored samples. Results are checked identical before anything is
/// reported; the trial's own training time is measured alongside as the yardstick.
struct ScoreBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Calibration + float + int8 scoring: scalar reference vs batched kernels (1 and 2 threads), next to training time."
    )

    @Option(help: "Width of the quickstart-sized cnn (3x3 conv + BN + ReLU stages).") var width = 24
    @Option(help: "Stages of the cnn.") var depth = 3
    @Option(help: "Samples of dataset.shapes (size 16) to train on; 20% are held out as the trial's validation set.")
    var count = 1500
    @Option(help: "Training epochs (timed: the yardstick).") var epochs = 5
    @Option(help: "Samples scored in the scalar-vs-batched comparison.") var samples = 2000
    @Option(help: "Calibration samples.") var calibration = 100
    @Option(help: "Repetitions of each batched timing (the best is reported).") var repeats = 3
    @Option(help: "Threads for training.") var threads = 2
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func run() throws {
        Parallel.threads = threads
        let raw = Synthetic.shapes(count: count, size: 16, seed: 1)
        let parts = raw.split(validationFraction: 0.2, seed: 1)
        let stats = parts.train.channelStatistics()
        let train = stats.apply(to: parts.train), validation = stats.apply(to: parts.validation)
        let scored = stats.apply(to: Synthetic.shapes(count: samples, size: 16, seed: 2))
        var rng = SeededGenerator(seed: 1)
        let model = try Architectures.plainCNN(input: train.sampleShape, classes: train.classCount, width: width, depth: depth,
                                               seed: 1, rng: &rng)
        var options = TrainingOptions()
        options.epochs = epochs
        let training = Self.time { Trainer.train(model, on: train, validation: validation, options: options) }
        let (trainSeconds, trainCPU) = (training.seconds, training.cpu)

        let folded = try FoldedNetwork(model)
        let calibrationSamples = (0..<min(calibration, train.count)).map { Array(train.sample($0)) }
        let all = SampleBatch(scored, range: 0..<scored.count), held = SampleBatch(validation, range: 0..<validation.count)

        // Scalar reference, one thread (it has no threading).
        Parallel.threads = 1
        let reference = Self.time {
            let network = IntegerNetwork(folded, calibration: calibrationSamples, path: .reference)
            let f = (0..<all.count).map { i -> Int in
                let l = folded.run(Array(all.slice(i..<(i + 1))))[folded.graph.output]
                return l.indices.max { l[$0] < l[$1] } ?? 0
            }
            let q = (0..<all.count).map { network.classify(Array(all.slice($0..<($0 + 1)))) }
            return (network.params, f, q)
        }
        var rows: [(String, Double)] = [("scalar_1t_s", reference.seconds), ("scalar_1t_cpu_s", reference.cpu)]
        var trialScoring: [Int: Double] = [:]
        for t in [1, 2] {
            Parallel.threads = t
            var best = (wall: Double.infinity, cpu: 0.0), bestTrial = Double.infinity
            var parts = (calibrate: Double.infinity, float: Double.infinity, int8: Double.infinity)
            for _ in 0..<max(1, repeats) {
                let calibrated = Self.time { IntegerNetwork(folded, calibration: calibrationSamples) }
                let floats = Self.time { folded.classify(all) }
                let ints = Self.time { calibrated.value.classify(all) }
                guard calibrated.value.params == reference.value.0, floats.value == reference.value.1, ints.value == reference.value.2 else {
                    throw ValidationError("batched results differ from the scalar reference")
                }
                let total = calibrated.seconds + floats.seconds + ints.seconds
                if total < best.wall { best = (total, calibrated.cpu + floats.cpu + ints.cpu) }
                parts = (min(parts.calibrate, calibrated.seconds), min(parts.float, floats.seconds), min(parts.int8, ints.seconds))
                // What TrialRunner.score does on this trial: calibrate, then score the validation set.
                let trial = Self.time { () -> Int in
                    let network = IntegerNetwork(folded, calibration: calibrationSamples)
                    return folded.classify(held).count + network.classify(held).count
                }
                bestTrial = min(bestTrial, trial.seconds)
            }
            rows += [("batched_\(t)t_s", best.wall), ("batched_\(t)t_cpu_s", best.cpu), ("calibrate_\(t)t_s", parts.calibrate),
                     ("float_\(t)t_s", parts.float), ("int8_\(t)t_s", parts.int8)]
            trialScoring[t] = bestTrial
        }
        let isa = String(cString: nas_kernels_isa())
        if json {
            var fields = rows.map { "\"\($0.0)\": \(String(format: "%.4f", $0.1))" }
            fields += ["\"samples\": \(all.count)", "\"calibration\": \(calibrationSamples.count)", "\"isa\": \"\(isa)\"",
                       "\"train_s\": \(String(format: "%.4f", trainSeconds))", "\"train_cpu_s\": \(String(format: "%.4f", trainCPU))", "\"validation\": \(held.count)",
                       "\"trial_score_1t_s\": \(String(format: "%.4f", trialScoring[1]!))",
                       "\"trial_score_2t_s\": \(String(format: "%.4f", trialScoring[2]!))"]
            print("{" + fields.joined(separator: ", ") + "}")
            return
        }
        print("cnn(width: \(width), depth: \(depth)) on shapes(count: \(count), size: 16), isa \(isa)")
        print("calibration (\(calibrationSamples.count) samples) + float + int8 classification of \(all.count) samples:")
        for (name, seconds) in rows {
            let speedup = name.hasPrefix("batched") && !name.hasSuffix("cpu_s") ? String(format: "  (%.1fx)", reference.seconds / seconds) : ""
            print("  " + name.padding(toLength: 18, withPad: " ", startingAt: 0) + String(format: " %8.3f s", seconds) + speedup)
        }
        print(String(format: "training (%d epochs, %d threads): %.3f s wall, %.3f s CPU", epochs, threads, trainSeconds, trainCPU))
        for t in [1, 2] {
            print("trial scoring (calibration + \(held.count) validation samples, \(t) thread\(t == 1 ? "" : "s")): "
                + String(format: "%.3f s = %.1f%% of training", trialScoring[t]!, 100 * trialScoring[t]! / trainSeconds))
        }
    }

    /// Wall seconds, and CPU seconds of the whole process (all threads): on a shared machine
    /// the second tells a slow kernel from a busy core.
    static func time<T>(_ body: () -> T) -> (value: T, seconds: Double, cpu: Double) {
        let start = Date(), cpuStart = TrainBench.cpuSeconds()
        let value = body()
        return (value, Date().timeIntervalSince(start), TrainBench.cpuSeconds() - cpuStart)
    }
}
