import Foundation
import NasCompress
import NasCore
import NasCost
import NasData
import NasNN
import NasQuant

/// Runs trials: build -> train (switching pruned channels off gradually) -> compress ->
/// fine-tune -> int8 accuracy and exact costs.
/// Costs can be had without training (`cost(of:)`), which is how budgets reject a network
/// before any time is spent on it.
public struct TrialRunner {
    public let board: TargetBoard
    /// Validation samples scored in int8 (all of them up to this many).
    public var evaluationLimit = 2000

    public init(board: TargetBoard) { self.board = board }

    /// What the compressed network will cost on the board: the architecture is built with
    /// throwaway weights and channel-pruned (channel counts depend only on the fraction), then
    /// lowered and planned with the plan's bit-widths.
    public func cost(of plan: TrialPlan, input: [Int], classes: Int) throws -> CostReport {
        cost(try graph(of: plan, input: input, classes: classes), bits: plan.bits)
    }

    /// The runtime graph of the plan's compressed architecture; bit-widths do not change it,
    /// so searches cache it per architecture.
    public func graph(of plan: TrialPlan, input: [Int], classes: Int) throws -> DeploymentGraph {
        try DeploymentGraph(try StructuredPruning.prune(try plan.architecture(input, classes, 0), fraction: plan.channels))
    }

    /// Costs of a graph with per-layer bit-widths (fitted to its weighted ops like `TrialPlan.bits`).
    public func cost(_ graph: DeploymentGraph, bits: [Int]) -> CostReport {
        let weighted = graph.ops.filter { $0.weights > 0 }.count
        return CostReport(graph, board: board, bits: TrialPlan.perLayer(bits, count: weighted))
    }

    /// Hooks for progress display and Ctrl-C; `stage` names the part running ("train", "fine-tune").
    public struct Observer {
        public var progress: (_ stage: String, TrainingProgress) -> Void = { _, _ in }
        public var epochDone: (_ stage: String, EpochRecord, _ of: Int) -> Void = { _, _, _ in }
        public var shouldStop: () -> Bool = { false }
        public init() {}
    }

    /// Trains and compresses one plan. Never throws for a bad configuration: failures come back
    /// as `.failed` with the reason in `reason`. `interrupted` is set when `shouldStop` ended the trial.
    public func run(_ plan: TrialPlan, on data: TrialData, seed: UInt64, observer: Observer = Observer(),
                    interrupted: inout Bool) -> TrialOutcome {
        let start = Date()
        var epochs: [EpochRecord] = []
        var stages: [TrialStage] = [], stageStart = start, stageCPU = TrialStage.processCPUSeconds()
        /// Closes the stage running since the last call.
        func finished(_ stage: String) {
            let now = Date(), cpu = TrialStage.processCPUSeconds()
            stages.append(TrialStage(name: stage, seconds: now.timeIntervalSince(stageStart), cpuSeconds: cpu - stageCPU))
            stageStart = now
            stageCPU = cpu
        }
        func ended(_ status: TrialStatus, _ reason: String? = nil, _ metrics: MetricValues?, model: Model? = nil,
                   bits: [Int] = []) -> TrialOutcome {
            TrialOutcome(status: status, reason: reason, metrics: metrics, epochs: epochs, seconds: Date().timeIntervalSince(start), model: model,
                         bits: bits, stages: stages)
        }
        let input = data.train.sampleShape, classes = data.train.classCount
        let model: Model, planned: CostReport
        do {
            model = try plan.architecture(input, classes, seed)
            planned = try cost(of: plan, input: input, classes: classes)
        } catch {
            return ended(.failed, "cannot build the network: \(error)", nil)
        }
        finished("build")
        if let problem = MemoryEstimate.trainingProblem(model, batch: plan.training.batchSize) {
            return ended(.failed, problem, MetricValues(cost: planned))
        }
        var stopped = false
        let stop = { () -> Bool in
            if observer.shouldStop() { stopped = true }
            return stopped
        }

        var training = plan.training
        training.seed = seed
        let gradual: GradualChannelPruning?
        do {
            gradual = plan.gradualChannels && plan.channels > 0 ? try GradualChannelPruning(model, fraction: plan.channels) : nil
        } catch {
            return ended(.failed, "compression: \(error)", MetricValues(cost: planned))
        }
        let trained = Trainer.train(model, on: data.train, validation: data.validation, options: training,
                                    progress: { observer.progress("train", $0) },
                                    epochDone: { observer.epochDone("train", $0, training.epochs) }, constraint: gradual,
                                    shouldStop: stop)
        // The last optimizer step may have nudged switched-off channels; zero them for good.
        gradual?.constrain()
        epochs += trained.epochs
        finished("train")
        if stopped { interrupted = true; return ended(.failed, "interrupted", MetricValues(cost: planned)) }
        if let failure = trained.failure { return ended(.failed, failure, MetricValues(cost: planned)) }

        do {
            let pruned = try StructuredPruning.prune(model, fraction: plan.channels)
            let layers = weightedLayers(pruned).count
            let bits = TrialPlan.perLayer(plan.bits, count: layers)
            let compressor = try Compressor(pruned, plan: CompressionPlan(prune: TrialPlan.perLayer(plan.prune, count: layers),
                                                                           bits: bits))
            var fineTuning = plan.fineTuning
            fineTuning.seed = seed &+ 1
            var loss = trained.loss
            finished("compress")
            if fineTuning.epochs > 0 {
                let view = try ActivationQuantization.trainingView(of: pruned)
                let tuned = Trainer.train(view, on: data.train, validation: data.validation, options: fineTuning,
                                          progress: { observer.progress("fine-tune", $0) },
                                          epochDone: { observer.epochDone("fine-tune", $0, fineTuning.epochs) },
                                          constraint: compressor, shouldStop: stop)
                epochs += tuned.epochs
                if stopped { interrupted = true; return ended(.failed, "interrupted", MetricValues(cost: planned)) }
                if let failure = tuned.failure { return ended(.failed, "fine-tuning: " + failure, MetricValues(cost: planned)) }
                loss = tuned.loss
                finished("fine-tune")
            }
            compressor.finish()
            let report = cost(try DeploymentGraph(pruned), bits: bits)
            finished("cost")
            let (float, int8) = try score(pruned, bits: bits, on: data)
            finished("score")
            var metrics = MetricValues(cost: report)
            metrics[.accuracy] = int8
            metrics[.floatAccuracy] = float
            metrics[.loss] = loss
            return ended(.complete, nil, metrics, model: pruned, bits: bits)
        } catch {
            return ended(.failed, "compression: \(error)", MetricValues(cost: planned))
        }
    }

    /// Float and int8 accuracy on the validation samples, on the batched kernels (bit-identical
    /// to the scalar reference, so accuracies are the same, only sooner).
    func score(_ model: Model, bits: [Int], on data: TrialData) throws -> (Double, Double) {
        let scores = try Self.accuracy(of: model, bits: bits, calibration: data.calibration, on: data.validation, limit: evaluationLimit)
        return (scores.float, scores.int8)
    }

    /// Top-1 accuracy of a compressed network on up to `limit` samples (already normalized as
    /// its training data was): in float after folding batch norm, and through the int8
    /// integer-only path the board runs, with activations calibrated on `calibration`. The one
    /// scoring rule for validation during a search and for a study's final test score.
    public static func accuracy(of model: Model, bits: [Int], calibration: [[Float]], on samples: Dataset,
                                limit: Int = .max) throws -> (float: Double, int8: Double) {
        let folded = try FoldedNetwork(model)
        let network = IntegerNetwork(folded, calibration: calibration, bits: bits)
        let count = min(limit, samples.count)
        let batch = SampleBatch(samples, range: 0..<count)
        let labels = samples.labels.prefix(count).map(Int.init)
        let floatCorrect = zip(folded.classify(batch), labels).filter { $0 == $1 }.count
        let intCorrect = zip(network.classify(batch), labels).filter { $0 == $1 }.count
        return (Double(floatCorrect) / Double(max(1, count)), Double(intCorrect) / Double(max(1, count)))
    }
}
