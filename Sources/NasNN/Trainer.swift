import Foundation
import NasCore
import NasData

/// What the trainer needs from a dataset; the data module's datasets conform to it, so the
/// engine does not depend on where samples come from.
public protocol LabeledSamples {
    var sampleShape: [Int] { get }
    var inputs: [Float] { get }
    var labels: [Int32] { get }
}

/// How a network is trained. The defaults are nasbook's training recipe, measured in
/// docs/recipe.md: SGD with Nesterov momentum, a linear warm-up into cosine decay and label
/// smoothing, which converges in few epochs from a wide range of learning rates.
public struct TrainingOptions: Sendable {
    public enum OptimizerChoice: Sendable, Equatable {
        /// SGD with (optionally Nesterov) momentum and L2 weight decay added to the gradient.
        case sgd(momentum: Float, weightDecay: Float, nesterov: Bool = false)
        /// Adam with L2 weight decay added to the gradient.
        case adam(weightDecay: Float)
        /// Adam with decoupled weight decay (AdamW: the weights shrink by lr * decay each step).
        case adamW(weightDecay: Float)
    }

    public var epochs = 3
    public var batchSize = 32
    public var learningRate: Float = 0.2
    public var optimizer = OptimizerChoice.sgd(momentum: 0.9, weightDecay: 5e-4, nesterov: true)
    public var schedule = LearningRateSchedule.cosine
    /// Fraction of all steps over which the rate rises linearly from base/steps to the
    /// schedule's rate; keeps the first steps of a high rate from knocking batch norm and the
    /// randomly initialised classifier off course.
    public var warmup = 0.1
    /// Weight of the uniform distribution mixed into the one-hot targets (0: plain
    /// cross-entropy). Softer targets keep logits small, which also suits int8 outputs.
    public var labelSmoothing: Float = 0.1
    public var seed: UInt64 = 1
    /// Worker threads for this training (nil: the caller's, one per core by default; at least
    /// 1). Results are bit-identical for every count.
    public var threads: Int?
    /// Called on each training batch (inputs, sample count, a generator seeded per step).
    public var augment: (@Sendable (inout [Float], Int, inout SeededGenerator) -> Void)?

    public init() {}
}

public struct TrainingProgress: Sendable {
    public let epoch: Int
    public let epochs: Int
    public let step: Int
    public let steps: Int
    public let loss: Double
    public let accuracy: Double
    public let samplesPerSecond: Double
    public let secondsLeft: Double
}

public struct TrainingReport: Sendable {
    public let epochs: [EpochRecord]
    /// Validation accuracy after the last epoch (training accuracy without validation data).
    public let accuracy: Double
    public let loss: Double
    public let seconds: Double
    public let samplesPerSecond: Double
    /// Why training stopped early (NaN, divergence, interruption); nil when it ran to the end.
    public let failure: String?
}

/// Constrains weights during training, e.g. pruning masks and fake quantization: the forward
/// pass sees constrained weights, the optimizer updates the underlying float weights (the
/// straight-through estimator).
public protocol WeightConstraint: AnyObject {
    /// Swap constrained weights in before a forward pass.
    func constrain()
    /// Restore the float weights and mask their gradients before the optimizer step.
    func release()
    /// Called before each training step with the step index and the run's step count, for
    /// constraints that follow a schedule (gradual pruning).
    func progress(step: Int, of totalSteps: Int)
}

extension WeightConstraint {
    public func progress(step: Int, of totalSteps: Int) {}
}

public enum Trainer {
    /// Loss above this (cross-entropy of a 10-class guess is 2.3) means training has diverged.
    static let divergedLoss = 1e3

    public static func train(_ model: Model, on train: some LabeledSamples, validation: (any LabeledSamples)? = nil,
                             options: TrainingOptions, progress: (TrainingProgress) -> Void = { _ in },
                             epochDone: (EpochRecord) -> Void = { _ in },
                             constraint: WeightConstraint? = nil,
                             shouldStop: () -> Bool = { false }) -> TrainingReport {
        if let requested = options.threads, Parallel.threads != max(1, requested) {
            // Binds the count for this call only, then trains inside that scope (where the
            // condition no longer holds).
            return Parallel.withThreads(requested) {
                Self.train(model, on: train, validation: validation, options: options, progress: progress, epochDone: epochDone,
                           constraint: constraint, shouldStop: shouldStop)
            }
        }
        let count = train.labels.count
        let batch = max(1, min(options.batchSize, count))
        let stepsPerEpoch = max(1, count / batch)
        let totalSteps = stepsPerEpoch * options.epochs
        let optimizer: Optimizer = switch options.optimizer {
        case .sgd(let momentum, let decay, let nesterov): SGD(momentum: momentum, weightDecay: decay, nesterov: nesterov)
        case .adam(let decay): Adam(weightDecay: decay)
        case .adamW(let decay): Adam(weightDecay: decay, decoupled: true)
        }
        let warmupSteps = Int((options.warmup * Double(totalSteps)).rounded())
        let parameters = model.parameters
        let sampleSize = train.sampleShape.reduce(1, *)
        var shuffle = SeededGenerator(seed: options.seed)
        var order = Array(0..<count)
        var records: [EpochRecord] = []
        var failure: String?
        let start = Date()
        var step = 0
        training: for epoch in 1...max(1, options.epochs) {
            let epochStart = Date()
            shuffle.shuffle(&order)
            var lossSum = 0.0, correct = 0, seen = 0
            for s in 0..<stepsPerEpoch {
                if shouldStop() {
                    failure = "interrupted in epoch \(epoch), step \(s + 1) of \(stepsPerEpoch)"
                    break training
                }
                let indices = order[s * batch ..< (s + 1) * batch]
                var x = gather(train, indices, sampleSize: sampleSize)
                if let augment = options.augment {
                    var rng = shuffle.derived(stream: UInt64(step))
                    augment(&x.data, batch, &rng)
                }
                let labels = indices.map { train.labels[$0] }
                parameters.forEach { $0.zeroGradient() }
                constraint?.progress(step: step, of: totalSteps)
                constraint?.constrain()
                let logits = model.forward(x, training: true)
                let result = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels[...], smoothing: options.labelSmoothing)
                guard result.loss.isFinite, result.loss < divergedLoss else {
                    constraint?.release()
                    failure = result.loss.isFinite
                        ? "training diverged (loss \(String(format: "%.3g", result.loss))) in epoch \(epoch), step \(s + 1)"
                        : "loss became NaN in epoch \(epoch), step \(s + 1); try a lower learning rate"
                    break training
                }
                model.backward(result.gradient)
                constraint?.release()
                let rate = options.schedule.rate(base: options.learningRate, step: step, totalSteps: totalSteps,
                                                 stepsPerEpoch: stepsPerEpoch)
                    * LearningRateSchedule.warmupFactor(step: step, warmupSteps: warmupSteps)
                optimizer.step(parameters, learningRate: rate)
                step += 1
                lossSum += result.loss * Double(batch)
                correct += result.correct
                seen += batch
                let elapsed = Date().timeIntervalSince(start)
                let rate2 = Double(step * batch) / max(elapsed, 1e-9)
                progress(TrainingProgress(epoch: epoch, epochs: options.epochs, step: s + 1, steps: stepsPerEpoch,
                                          loss: lossSum / Double(seen), accuracy: Double(correct) / Double(seen),
                                          samplesPerSecond: rate2,
                                          secondsLeft: Double((totalSteps - step) * batch) / max(rate2, 1e-9)))
            }
            constraint?.constrain()
            let validationResult = validation.map { evaluate(model, on: $0) }
            constraint?.release()
            let record = EpochRecord(epoch: epoch, trainLoss: lossSum / Double(max(1, seen)),
                                     trainAccuracy: Double(correct) / Double(max(1, seen)),
                                     validationLoss: validationResult?.loss, validationAccuracy: validationResult?.accuracy,
                                     seconds: Date().timeIntervalSince(epochStart))
            records.append(record)
            epochDone(record)
        }
        let seconds = Date().timeIntervalSince(start)
        let last = records.last
        return TrainingReport(epochs: records,
                              accuracy: last.map { $0.validationAccuracy ?? $0.trainAccuracy } ?? 0,
                              loss: last.map { $0.validationLoss ?? $0.trainLoss } ?? .nan,
                              seconds: seconds, samplesPerSecond: Double(step * batch) / max(seconds, 1e-9),
                              failure: failure)
    }

    /// Mean loss and accuracy in inference mode (batch norm uses its running statistics).
    public static func evaluate(_ model: Model, on data: any LabeledSamples, batchSize: Int = 256) -> (loss: Double, accuracy: Double) {
        let count = data.labels.count
        guard count > 0 else { return (.nan, 0) }
        let sampleSize = data.sampleShape.reduce(1, *)
        var lossSum = 0.0, correct = 0
        var start = 0
        while start < count {
            let indices = start ..< min(count, start + batchSize)
            let x = gather(data, indices, sampleSize: sampleSize)
            let logits = model.forward(x, training: false)
            let result = SoftmaxCrossEntropy.evaluate(logits: logits, labels: data.labels[indices])
            lossSum += result.loss * Double(indices.count)
            correct += result.correct
            start = indices.upperBound
        }
        return (lossSum / Double(count), Double(correct) / Double(count))
    }

    static func gather<C: Collection<Int>>(_ data: any LabeledSamples, _ indices: C, sampleSize: Int) -> Tensor {
        var values = [Float](repeating: 0, count: indices.count * sampleSize)
        data.inputs.withUnsafeBufferPointer { src in
            values.withUnsafeMutableBufferPointer { dst in
                for (row, index) in indices.enumerated() {
                    (dst.baseAddress! + row * sampleSize).update(from: src.baseAddress! + index * sampleSize, count: sampleSize)
                }
            }
        }
        return Tensor(shape: [indices.count] + data.sampleShape, data: values)
    }
}

extension Dataset: LabeledSamples {}
