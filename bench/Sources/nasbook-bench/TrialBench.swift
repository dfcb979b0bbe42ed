import ArgumentParser
import Foundation
import NasCore
import NasCost
import NasData
import NasNN
import NasTrial

/// One trial of the quickstart's search end to end, stage by stage, at each thread count.
///
/// The trial is what `search(cnn, data, target, ...)` in examples/quickstart.nas runs for one
/// point of its space: the `cnn` family's defaults (3x3 kernels, batch norm, no dropout) at
/// `--width`/`--depth`, 5 epochs at `--lr` with batch 32, a fine-tuning epoch at lr/5 with the
/// per-layer `--prune` rates and `--bits`, on `dataset.shapes(count: 1500, size: 16, seed: 1)`
/// with the search's 20% validation split, for the NUCLEO-F746ZG. (The bench target does not
/// link the language, so the plan is written out here, the way SpaceDecoder builds it.)
/// The same seed runs at every thread count, and the trial's results must come out identical.
struct TrialBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trial",
        abstract: "Time of each stage of one quickstart trial (build, train, compress, fine-tune, cost, int8 score) per thread count."
    )

    @Option(help: "Thread counts, comma-separated.") var threads = "1,2"
    @Option(help: "First conv's width (the quickstart's space: 8, 16, 24, 32).") var width = 16
    @Option(help: "Conv stages (the space: 2..3).") var depth = 3
    @Option(help: "Learning rate (the space: 0.03 ~ 0.2).") var lr = 0.08
    @Option(help: "Training epochs (the quickstart fixes 5).") var epochs = 5
    @Option(help: "Per-layer unstructured prune rates, comma-separated, one per weighted layer.") var prune = "0.3,0.5,0.5,0.2"
    @Option(help: "Per-layer weight bit-widths (2-8), comma-separated, one per weighted layer.") var bits = "8,4,4,8"
    @Option(help: "Trial seed.") var seed: UInt64 = 7
    @Flag(help: "One JSON object per thread count instead of the table.") var json = false

    static let stageOrder = ["build", "train", "compress", "fine-tune", "score", "cost"]

    func run() throws {
        let counts = try threads.split(separator: ",").map { part -> Int in
            guard let n = Int(part.trimmingCharacters(in: .whitespaces)), n >= 1 else {
                throw ValidationError("--threads takes positive counts like 1,2, not '\(threads)'")
            }
            return n
        }
        let pruneRates = try numbers(prune, "--prune").map { min(max($0, 0), 0.99) }
        let bitWidths = try numbers(bits, "--bits").map { v in
            do { return try BitWidth(checking: v) } catch { throw ValidationError("--bits: \(error)") }
        }
        let board = TargetBoard(name: "NUCLEO-F746ZG", core: .cortexM7, clockHz: 216e6, ramBytes: 320 << 10, flashBytes: 1 << 20)
        let setupStart = Date()
        let data = TrialData(Synthetic.shapes(count: 1500, size: 16, seed: 1), validationFraction: 0.2, seed: 7)
        let setup = Date().timeIntervalSince(setupStart)
        var training = TrainingOptions()
        training.learningRate = Float(lr)
        training.epochs = epochs
        training.batchSize = 32
        var fineTuning = TrainingOptions()
        fineTuning.epochs = 1
        fineTuning.learningRate = Float(lr) * 0.2
        fineTuning.batchSize = 32
        let spec = ModelSpec(family: .cnn).with([("width", .number(Double(width))), ("depth", .number(Double(depth))), ("kernel", .number(3)),
                                                 ("batchnorm", .bool(true)), ("dropout", .number(0))])
        let plan = TrialPlan(architecture: spec,
                             training: training, prune: .layers(pruneRates), bits: .layers(bitWidths), fineTuning: fineTuning)
        let runner = TrialRunner(board: board)

        var outcomes: [(threads: Int, outcome: TrialOutcome)] = []
        for count in counts {
            Parallel.threads = count
            var interrupted = false
            let outcome = runner.run(plan, on: data, seed: seed, interrupted: &interrupted)
            guard outcome.status == .complete, let metrics = outcome.metrics else {
                throw ValidationError("the trial did not complete on \(count) threads: \(outcome.reason ?? outcome.status.rawValue)")
            }
            if let first = outcomes.first, first.outcome.metrics != metrics || first.outcome.epochs.map(\.trainLoss) != outcome.epochs.map(\.trainLoss) {
                throw ValidationError("the trial's results differ between \(first.threads) and \(count) threads: training is not deterministic")
            }
            outcomes.append((count, outcome))
        }

        let trainSamples = data.train.count / 32 * 32
        if json {
            for (count, outcome) in outcomes {
                let stages = outcome.stages.map {
                    #""\#($0.name)":{"seconds":\#(String(format: "%.4f", $0.seconds)),"cpu_seconds":\#(String(format: "%.4f", $0.cpuSeconds))}"#
                }.joined(separator: ",")
                let rates = samplesPerSecond(outcome, trainSamples: trainSamples, epochs: epochs)
                print(#"{"bench":"trial","threads":\#(count),"seconds":\#(String(format: "%.4f", outcome.seconds)),"stages":{\#(stages)},"train_samples_per_s":\#(String(format: "%.1f", rates.train)),"finetune_samples_per_s":\#(String(format: "%.1f", rates.fineTune)),"train_samples_per_cpu_s":\#(String(format: "%.1f", rates.trainCPU)),"finetune_samples_per_cpu_s":\#(String(format: "%.1f", rates.fineTuneCPU)),"int8_accuracy":\#(outcome.metrics![.accuracy] ?? .nan)}"#)
            }
            return
        }
        let metrics = outcomes[0].outcome.metrics!
        print("one quickstart trial: cnn(width: \(width), depth: \(depth)), \(epochs) epochs at lr \(lr) + 1 fine-tuning epoch, "
              + "prune \(pruneRates), bits \(bitWidths); \(data.train.count) training / \(data.validation.count) validation samples "
              + "(dataset and split: \(String(format: "%.2f", setup)) s, not in the table)")
        print(String(format: "int8 accuracy %.4f, float %.4f, %d B flash, %d B RAM (identical at every thread count)",
                     metrics[.accuracy] ?? .nan, metrics[.floatAccuracy] ?? .nan, Int(metrics[.flash] ?? 0), Int(metrics[.ram] ?? 0)))
        func threadsName(_ n: Int) -> String { n == 1 ? "1 thread" : "\(n) threads" }
        var header = ["stage"]
        for count in counts { header += [threadsName(count) + " s", "CPU s"] }
        if counts.count > 1 { header += counts.dropFirst().map { "speed-up \($0)/\(counts[0])" } }
        func cells(_ wall: [Double], _ cpu: [Double]) -> [String] {
            zip(wall, cpu).flatMap { [String(format: "%.3f", $0), String(format: "%.3f", $1)] }
                + wall.dropFirst().map { String(format: "%.2fx", wall[0] / max($0, 1e-9)) }
        }
        var rows: [[String]] = []
        for stage in Self.stageOrder {
            let found = outcomes.map { $0.outcome.stages.first { $0.name == stage } }
            rows.append([stage] + cells(found.map { $0?.seconds ?? 0 }, found.map { $0?.cpuSeconds ?? 0 }))
        }
        rows.append(["total"] + cells(outcomes.map(\.outcome.seconds),
                                      outcomes.map { $0.outcome.stages.reduce(0) { $0 + $1.cpuSeconds } }))
        let widths = header.indices.map { i in max(header[i].count, rows.map { $0[i].count }.max() ?? 0) }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == 0 ? c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                : String(repeating: " ", count: widths[i] - c.count) + c }.joined(separator: "  ")
        }
        print(line(header))
        print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        rows.forEach { print(line($0)) }
        print()
        for (count, outcome) in outcomes {
            let r = samplesPerSecond(outcome, trainSamples: trainSamples, epochs: epochs)
            print(String(format: "%@: training %.0f samples/s (%.0f per CPU-second), fine-tuning with fake-quant %.0f samples/s "
                         + "(%.0f per CPU-second): fine-tuning runs at %.2fx training's per-sample speed (%.2fx per CPU-second)",
                         threadsName(count), r.train, r.trainCPU, r.fineTune, r.fineTuneCPU, r.fineTune / r.train, r.fineTuneCPU / r.trainCPU))
        }
    }

    /// Samples per second of the training epochs and of the fine-tuning epoch, from the trial's
    /// stage times (validation passes included in both, alike).
    private func samplesPerSecond(_ outcome: TrialOutcome, trainSamples: Int, epochs: Int)
        -> (train: Double, fineTune: Double, trainCPU: Double, fineTuneCPU: Double) {
        let stage = { (name: String) in outcome.stages.first { $0.name == name } }
        let train = Double(trainSamples * epochs), tune = Double(trainSamples)
        return (train / (stage("train")?.seconds ?? .nan), tune / (stage("fine-tune")?.seconds ?? .nan),
                train / (stage("train")?.cpuSeconds ?? .nan), tune / (stage("fine-tune")?.cpuSeconds ?? .nan))
    }

    private func numbers(_ text: String, _ option: String) throws -> [Double] {
        try text.split(separator: ",").map {
            guard let v = Double($0.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("\(option) takes comma-separated numbers, not '\(text)'")
            }
            return v
        }
    }
}
