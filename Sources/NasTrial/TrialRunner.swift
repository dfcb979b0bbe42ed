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
    /// Pruned layers count as many non-zero weights as pruning at the plan's rates leaves, an
    /// upper bound of the trained network's (weights that quantize to zero are zero too), so a
    /// plan within a budget stays within it once trained.
    public func cost(of plan: TrialPlan, input: [Int], classes: Int) throws -> CostReport {
        try cost(try graph(of: plan, input: input, classes: classes), bits: plan.bits, prune: plan.prune)
    }

    /// The runtime graph of the plan's compressed architecture; bit-widths do not change it,
    /// so searches cache it per architecture.
    public func graph(of plan: TrialPlan, input: [Int], classes: Int) throws -> DeploymentGraph {
        try graph(of: try costingNetwork(of: plan, input: input, classes: classes), channels: plan.channels)
    }

    /// The untrained network costs are computed from: the plan's architecture with the
    /// throwaway weights of seed 0. A cache may keep it per architecture and prune it at many
    /// fractions (`graph(of:channels:)`): drawing the weights is most of what a graph costs.
    public struct CostingNetwork {
        let model: Model
        /// The output channels of its prunable convolutions before channel pruning: with
        /// `keptChannels`, what the compressed network's shape depends on besides its
        /// architecture (the weights decide which channels go, never how many).
        public let prunableChannels: [Int]

        init(_ model: Model) {
            self.model = model
            prunableChannels = StructuredPruning.prunableChannels(model)
        }
    }

    public func costingNetwork(of plan: TrialPlan, input: [Int], classes: Int) throws -> CostingNetwork {
        CostingNetwork(try plan.architecture.build(input: input, classes: classes, seed: 0))
    }

    /// The runtime graph of `network` with `channels` of its prunable convolutions' output
    /// channels removed.
    public func graph(of network: CostingNetwork, channels: Double) throws -> DeploymentGraph {
        try DeploymentGraph(try StructuredPruning.prune(network.model, fraction: channels))
    }

    /// How many of each of `channels` channel pruning at `fraction` keeps.
    public static func keptChannels(_ channels: [Int], fraction: Double) -> [Int] {
        channels.map { StructuredPruning.keptCount($0, fraction: fraction) }
    }

    /// Costs of a graph with per-layer bit-widths and unstructured prune rates, both fitted to its
    /// weighted ops: a layer keeps `weights - prunedCount(weights, rate)` non-zero weights, which
    /// a bitmap stores when that is smaller.
    public func cost(_ graph: DeploymentGraph, bits: PerLayer<BitWidth>, prune: PerLayer<Double> = .uniform(0)) throws -> CostReport {
        let weighted = graph.weightedOps
        let rates = try prune.fitted(to: weighted.count)
        let nonZero = zip(weighted, rates).map { op, rate in op.weights - prunedCount(op.weights, rate: rate) }
        return CostReport(graph, board: board, bits: try bits.fitted(to: weighted.count), nonZeroWeights: nonZero)
    }

    /// Costs of a trained network as exported: each layer's storage from how many of its int8
    /// weights at `bits` (one per weighted op) are not zero.
    public func cost(of model: Model, bits: [BitWidth]) throws -> CostReport {
        let folded = try FoldedNetwork(model)
        return CostReport(folded.graph, board: board, bits: bits, nonZeroWeights: IntegerNetwork.nonZeroWeights(folded, bits: bits))
    }

    /// The same costs from the integer network already quantized for scoring: its int8 weights
    /// are the ones counted, so a trial folds and quantizes its network once for both.
    public func cost(of network: IntegerNetwork) -> CostReport {
        CostReport(network.folded.graph, board: board, bits: network.weightBits.compactMap { $0 },
                   nonZeroWeights: network.nonZeroWeights)
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
                   bits: [BitWidth] = []) -> TrialOutcome {
            TrialOutcome(status: status, reason: reason, metrics: metrics, epochs: epochs, seconds: Date().timeIntervalSince(start), model: model,
                         bits: bits, stages: stages)
        }
        let input = data.train.sampleShape, classes = data.train.classCount
        let model: Model, planned: CostReport
        do {
            model = try plan.architecture.build(input: input, classes: classes, seed: seed)
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
            let compressor = try Compressor(pruned, plan: CompressionPlan(prune: plan.prune, bits: plan.bits))
            let bits = compressor.bits
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
            // One folded float network and one integer network serve the score and the costs.
            let folded = try FoldedNetwork(pruned)
            let network = IntegerNetwork(folded, calibration: data.calibration, bits: bits)
            let (float, int8) = score(folded, network, on: data)
            finished("score")
            let report = cost(of: network)
            finished("cost")
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
    func score(_ folded: FoldedNetwork, _ network: IntegerNetwork, on data: TrialData) -> (Double, Double) {
        let scores = Self.accuracy(of: folded, network, on: data.validation, limit: evaluationLimit)
        return (scores.float, scores.int8)
    }

    /// Top-1 accuracy of a compressed network on up to `limit` samples (already normalized as
    /// its training data was): in float after folding batch norm, and through the int8
    /// integer-only path the board runs, with activations calibrated on `calibration`. The one
    /// scoring rule for validation during a search and for a study's final test score.
    public static func accuracy(of model: Model, bits: [BitWidth], calibration: [[Float]], on samples: Dataset,
                                limit: Int = .max) throws -> (float: Double, int8: Double) {
        let folded = try FoldedNetwork(model)
        return accuracy(of: folded, IntegerNetwork(folded, calibration: calibration, bits: bits), on: samples, limit: limit)
    }

    /// The same scores of a network already folded and quantized (`network` built from `folded`).
    public static func accuracy(of folded: FoldedNetwork, _ network: IntegerNetwork, on samples: Dataset,
                                limit: Int = .max) -> (float: Double, int8: Double) {
        let count = min(limit, samples.count)
        let batch = SampleBatch(samples, range: 0..<count)
        let labels = samples.labels.prefix(count).map(Int.init)
        let floatCorrect = zip(folded.classify(batch), labels).filter { $0 == $1 }.count
        let intCorrect = zip(network.classify(batch), labels).filter { $0 == $1 }.count
        return (Double(floatCorrect) / Double(max(1, count)), Double(intCorrect) / Double(max(1, count)))
    }
}
