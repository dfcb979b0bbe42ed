import NasCompress
import NasCore
import NasData
import NasLang
import NasNN
import NasSearch

/// `compress(trained, data, prune:, bits:, epochs:)`: prunes and quantizes a copy of a trained
/// model, fine-tunes it under those constraints and reports accuracy before and after.
enum CompressBuiltins {
    static let model = TypedParameter<TrainedModel>(trainedModel: "model")
    static let data = TypedParameter<Dataset>(dataset: "data")
    static let channels = TypedParameter<Double>("channels", .fraction, default: 0)
    /// One value or one per weighted layer, fitted to the model's layers (`PerLayerArguments`).
    static let prune = TypedParameter<Value>(value: "prune", .perLayer(KnobDomain.named("prune").type), default: .number(0))
    static let bits = TypedParameter<Value>(value: "bits", .bitWidths, default: .number(8))
    static let activations = TypedParameter<Bool>("activations", default: true)
    static let epochs = TypedParameter<Int>("epochs", KnobDomain.named("epochs").type, default: 1)
    static let lr = TypedParameter<Double>("lr", KnobDomain.named("lr").type, default: 0.01)
    static let seed = TypedParameter<UInt64>.seed()
    static let validation = TypedParameter<Double>("validation", .fraction, default: 0.2)
    static let batch = TypedParameter<Int>("batch", KnobDomain.named("batch").type, default: 32)

    static func register(into r: inout BuiltinRegistry) {
        r.register(Builtin("compress", declaring: [model, data, channels, prune, bits, activations, epochs, lr, seed, validation, batch],
                           doc: "Compresses a copy of a trained model: channels removes that fraction of every prunable convolution's channels (structured, by L1 norm; a smaller dense model), prune zeroes that fraction of each weighted layer's weights (by magnitude), bits quantizes weights per channel (2-8); then fine-tunes with those constraints, and with int8 activations simulated unless activations: false. prune and bits: one value or a list per weighted layer.") { call in
            try compress(call)
        })
    }

    static func compress(_ call: BuiltinCall) throws -> Value {
        let trained = try call[Self.model]
        var data = try call[Self.data]
        guard data.sampleShape == trained.model.inputShape else {
            throw call.error("compress: the data's samples are \(describe(shape: data.sampleShape)), the model takes \(describe(shape: trained.model.inputShape))", at: "data")
        }
        // Fitted before any work; structured pruning removes channels, never layers, so the
        // channel-pruned model has the same weighted layers.
        let layers = try trained.model.weightedLayers().count
        let plan = CompressionPlan(prune: .layers(try call.fitted(try call.perLayer(Self.prune.name) { $0 }, Self.prune.name, layers: layers)),
                                   bits: .layers(try call.fitted(try call.bitWidths(Self.bits.name), Self.bits.name, layers: layers)))
        var options = TrainingOptions()
        options.epochs = try call[Self.epochs]
        options.batchSize = try call[Self.batch]
        options.seed = try call[Self.seed]
        options.learningRate = Float(try call[Self.lr])
        options.schedule = .cosine

        let fraction = try call[Self.validation]
        let validation: Dataset?
        (data, validation) = trained.split(data, fraction: fraction, seed: options.seed)
        let reference = validation ?? data
        let before = Trainer.evaluate(trained.model, on: reference).accuracy

        let channels = try call[Self.channels]
        let model: Model
        do {
            model = try StructuredPruning.prune(trained.model, fraction: channels)
        } catch let error as ShapeError {
            throw call.error("compress: \(error.description)", at: "channels")
        }
        try call.requireTrainingMemory(model, batch: options.batchSize)
        guard data.count >= 1 else {
            throw call.error("compress: no samples left to fine-tune on after holding out \(NumberFormat.plain(fraction * 100))%", at: "validation")
        }
        let compressor = try Compressor(model, plan: plan)
        let bits = compressor.bits
        let progress = ProgressPrinter(context: call.context, model: "compressed " + trained.spec.summary)
        var interrupted = false
        // Fine-tuning sees int8 activations through fake-quant layers in a view sharing the weights.
        let trainee = try call[Self.activations] ? try ActivationQuantization.trainingView(of: model) : model
        let report = Trainer.train(trainee, on: data, validation: validation, options: options,
                                   progress: { progress.update($0) }, epochDone: { progress.epoch($0, of: options.epochs) },
                                   constraint: compressor,
                                   shouldStop: {
                                       do { try call.context.checkInterrupt(at: call.span) } catch { interrupted = true }
                                       return interrupted
                                   })
        progress.finish(report, parameters: model.parameterCount)
        if interrupted { throw Interruption(span: call.span) }
        compressor.finish()
        let after = Trainer.evaluate(model, on: reference).accuracy
        var compressed = TrainedModel(spec: trained.spec, model: model, normalization: trained.normalization)
        compressed.bits = bits
        compressed.calibration = trained.calibration
        return .record(Record(kind: .compression, [
            ("accuracy", .number(after)),
            ("accuracy_before", .number(before)),
            ("sparsity", .number(compressor.sparsity)),
            ("params", .number(Double(model.parameterCount))),
            ("macs", .number(Double(model.macs))),
            ("bits", .list(bits.map { .number(Double($0.bits)) })),
            ("failed", report.failure.map { .string($0) } ?? .none),
            ("model", .native(compressed)),
        ]))
    }
}
