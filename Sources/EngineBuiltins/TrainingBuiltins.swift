import Foundation
import NasCore
import NasData
import NasLang
import NasNN
import NasRender
import NasSearch

/// `train(model, data, ...)`: builds the model for the data, trains it with a progress bar
/// and returns a record of what happened; a NaN or diverging run is recorded, not fatal.
enum TrainingBuiltins {
    /// The default recipe, as NasNN defines it; `train`'s defaults show it.
    static let recipe = TrainingOptions()

    static let model = TypedParameter<ModelSpec>(modelSpec: "model")
    static let data = TypedParameter<Dataset>(dataset: "data")
    static let epochs = TypedParameter<Int>("epochs", KnobDomain.named("epochs").type, default: 3)
    static let lr = TypedParameter<Double>("lr", KnobDomain.named("lr").type, default: Double(recipe.learningRate))
    static let batch = TypedParameter<Int>("batch", KnobDomain.named("batch").type, default: recipe.batchSize)
    static let seed = TypedParameter<UInt64>.seed()
    static let optimizer = TypedParameter<String>("optimizer", KnobDomain.named("optimizer").type, default: recipe.optimizer.name)
    static let schedule = TypedParameter<KnobDomain.Schedule>("schedule", default: .cosine)
    static let warmup = TypedParameter<Double>("warmup", KnobDomain.named("warmup").type, default: recipe.warmup)
    static let smoothing = TypedParameter<Double>("smoothing", KnobDomain.named("smoothing").type, default: Double(recipe.labelSmoothing))
    static let weightDecay = TypedParameter<Double?>("weight_decay", KnobDomain.named("weight_decay").type)
    /// A fraction held out, or a dataset: the body tells them apart.
    static let validation = TypedParameter<Value>(value: "validation", .validation, default: .number(0.2))
    static let augment = TypedParameter<Bool>("augment", default: false)
    static let normalize = TypedParameter<Bool>("normalize", default: true)
    static let threads = TypedParameter<Int?>("threads", .integer(atLeast: 1, atMost: 1024))

    static func register(into r: inout BuiltinRegistry) {
        r.register(Builtin("train", declaring: [model, data, epochs, lr, batch, seed, optimizer, schedule, warmup, smoothing,
                                                weightDecay, validation, augment, normalize, threads],
                           doc: "Trains a model on a dataset with nasbook's recipe (docs/recipe.md): optimizer \"nesterov\" (SGD, Nesterov momentum 0.9, weight decay 5e-4), \"sgd\", \"adam\" or \"adamw\" (weight_decay: overrides the decay); schedule \"cosine\", \"step\" or \"constant\" after a linear warm-up over the `warmup` fraction of the steps; smoothing: label smoothing; validation is a fraction held out (stratified) or a dataset. Returns accuracy, loss, per-epoch curves, timing and the trained model.") { call in
            try train(call)
        })
    }

    static func train(_ call: BuiltinCall) throws -> Value {
        let spec = try call[Self.model]
        var data = try call[Self.data]
        var options = TrainingOptions()
        options.epochs = try call[Self.epochs]
        options.batchSize = try call[Self.batch]
        options.seed = try call[Self.seed]
        options.learningRate = Float(try call[Self.lr])
        options.optimizer = try optimizer(call)
        options.warmup = try call[Self.warmup]
        options.labelSmoothing = Float(try call[Self.smoothing])
        switch try call[Self.schedule] {
        case .cosine: options.schedule = .cosine
        case .constant: options.schedule = .constant
        case .step: options.schedule = .step(every: max(1, options.epochs / 3), factor: 0.1)
        }
        if let threads = try call[Self.threads] { options.threads = threads }

        var validation: Dataset?
        switch try call[Self.validation] {
        case .native:
            let held = try call.dataset(Self.validation.name)
            guard held.sampleShape == data.sampleShape else {
                throw call.error("train: validation samples are \(describe(shape: held.sampleShape)), training samples \(describe(shape: data.sampleShape))", at: "validation")
            }
            validation = held
        default:
            let fraction = try call.number(Self.validation.name)
            if fraction > 0 {
                let parts = data.split(validationFraction: fraction, seed: options.seed)
                data = parts.train
                validation = parts.validation
            }
        }
        guard data.count >= 1 else { throw call.error("train: no training samples left after the validation split", at: "data") }

        var normalization: Normalization?
        if try call[Self.normalize] {
            let stats = data.channelStatistics()
            data = stats.apply(to: data)
            validation = validation.map { stats.apply(to: $0) }
            normalization = stats
        }
        if try call[Self.augment] {
            let augment = augmentation(for: data.sampleShape)
            let shape = data.sampleShape
            options.augment = { batch, count, rng in
                Augment.apply(&batch, sampleShape: shape, count: count, options: augment, rng: &rng)
            }
        }

        let model = try ModelBuiltins.build(spec, input: data.sampleShape, classes: data.classCount, seed: options.seed, call: call)
        try call.requireTrainingMemory(model, batch: options.batchSize)
        let progress = ProgressPrinter(context: call.context, model: spec.summary)
        var interrupted = false
        let report = Trainer.train(model, on: data, validation: validation, options: options,
                                   progress: { progress.update($0) },
                                   epochDone: { progress.epoch($0, of: options.epochs) },
                                   shouldStop: {
                                       do { try call.context.checkInterrupt(at: call.span) } catch { interrupted = true }
                                       return interrupted
                                   })
        progress.finish(report, parameters: model.parameterCount)
        if interrupted { throw Interruption(span: call.span) }
        let calibration = (0..<min(TrainedModel.calibrationCount, data.count)).map { Array(data.sample($0)) }
        return result(report, spec: spec, model: model, normalization: normalization, calibration: calibration)
    }

    /// The `optimizer:` argument (with `weight_decay:` when given) as NasNN's choice.
    static func optimizer(_ call: BuiltinCall) throws -> TrainingOptions.OptimizerChoice {
        let name = try call[Self.optimizer]
        let decay = try call[Self.weightDecay].map(Float.init)
        guard let choice = TrainingOptions.OptimizerChoice.named(name, weightDecay: decay) else {
            throw call.error("\(call.name): unknown optimizer \"\(name)\"", at: "optimizer",
                             hint: Suggestions.hint(for: name, in: TrainingOptions.OptimizerChoice.names)
                                ?? "use one of: " + TrainingOptions.OptimizerChoice.names.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        return choice
    }

    /// Defaults that help without hurting: flips and 4-pixel shifts for images, small time
    /// shifts and noise for sequences.
    static func augmentation(for shape: [Int]) -> AugmentOptions {
        if shape.count == 3 {
            return AugmentOptions(horizontalFlip: true, cropPadding: shape[0] >= 16 ? 4 : 1)
        }
        return AugmentOptions(cropPadding: shape.count == 2 ? max(1, shape[0] / 32) : 0, noiseStd: 0.05)
    }

    static func result(_ report: TrainingReport, spec: ModelSpec, model: Model, normalization: Normalization?,
                       calibration: [[Float]]) -> Value {
        let epochs: [Value] = report.epochs.map { e in
            var fields: [(String, Value)] = [("epoch", .number(Double(e.epoch))), ("loss", .number(e.trainLoss)),
                                             ("accuracy", .number(e.trainAccuracy))]
            if let vl = e.validationLoss, let va = e.validationAccuracy {
                fields += [("val_loss", .number(vl)), ("val_accuracy", .number(va))]
            }
            return .record(Record(fields))
        }
        return .record(Record(kind: .training, [
            ("accuracy", .number(report.accuracy)),
            ("loss", .number(report.loss)),
            ("epochs", .list(epochs)),
            ("params", .number(Double(model.parameterCount))),
            ("macs", .number(Double(model.macs))),
            ("seconds", .number(report.seconds, .time)),
            ("samples_per_s", .number(report.samplesPerSecond)),
            ("failed", report.failure.map { .string($0) } ?? .none),
            ("model", .native(TrainedModel(spec: spec, model: model, normalization: normalization, calibration: calibration))),
        ]))
    }
}

/// Progress as the user sees it: on a terminal one line redrawn in place (bar, loss, accuracy,
/// speed, time left) and a line per epoch; elsewhere, and in session records, only the per-epoch
/// lines, which hold no timings, so piped output, goldens and replays are the same on every run.
final class ProgressPrinter {
    let context: any CallContext
    let model: String
    private var lastDraw = Date.distantPast

    init(context: any CallContext, model: String) {
        self.context = context
        self.model = model
    }

    func update(_ p: TrainingProgress) {
        guard context.liveProgress, Date().timeIntervalSince(lastDraw) > 0.1 || p.step == p.steps else { return }
        lastDraw = Date()
        let fraction = (Double(p.epoch - 1) + Double(p.step) / Double(p.steps)) / Double(p.epochs)
        context.write(live: "\r\u{1B}[K" + "epoch \(p.epoch)/\(p.epochs) " + ProgressBar.render(fraction: fraction, width: 20)
                      + String(format: "  loss %.4f  acc %.3f  %.0f samples/s  ETA ", p.loss, p.accuracy, p.samplesPerSecond)
                      + ProgressBar.duration(p.secondsLeft), plain: "")
    }

    func epoch(_ e: EpochRecord, of total: Int) {
        var line = String(format: "epoch %d/%d  loss %.4f  acc %.4f", e.epoch, total, e.trainLoss, e.trainAccuracy)
        if let vl = e.validationLoss, let va = e.validationAccuracy {
            line += String(format: "  val_loss %.4f  val_acc %.4f", vl, va)
        }
        context.write(live: "\r\u{1B}[K" + line + "  (" + ProgressBar.duration(e.seconds) + ")\n", plain: line + "\n")
    }

    func finish(_ report: TrainingReport, parameters: Int) {
        if let failure = report.failure {
            context.write(live: "\r\u{1B}[Ktraining stopped: \(failure)\n", plain: "training stopped: \(failure)\n")
        } else {
            context.write(live: String(format: "trained %@ (%@ params) in %@, %.0f samples/s\n", model, NumberFormat.count(parameters),
                                       ProgressBar.duration(report.seconds), report.samplesPerSecond), plain: "")
        }
    }
}
