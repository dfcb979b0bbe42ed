import NasCompress
import NasCore
import NasData
import NasLang
import NasNN
import NasSearch

/// `compress(trained, data, prune:, bits:, epochs:)`: prunes and quantizes a copy of a trained
/// model, fine-tunes it under those constraints and reports accuracy before and after.
enum CompressBuiltins {
    static func register(into r: inout BuiltinRegistry) {
        r.register(Builtin("compress", [
            .init("model", .trainedModel), .init("data", .dataset),
            .init("channels", .fraction, default: .number(0)),
            .init("prune", .perLayer(KnobDomain.named("prune").type), default: .number(0)),
            .init("bits", .bitWidths, default: .number(8)), .init("activations", .bool, default: .bool(true)),
            .init("epochs", KnobDomain.named("epochs").type, default: .number(1)),
            .init("lr", KnobDomain.named("lr").type, default: .number(0.01)), .init("seed", .seed, default: .number(1)),
            .init("validation", .fraction, default: .number(0.2)), .init("batch", KnobDomain.named("batch").type, default: .number(32)),
        ], doc: "Compresses a copy of a trained model: channels removes that fraction of every prunable convolution's channels (structured, by L1 norm; a smaller dense model), prune zeroes that fraction of each weighted layer's weights (by magnitude), bits quantizes weights per channel (2-8); then fine-tunes with those constraints, and with int8 activations simulated unless activations: false. prune and bits: one value or a list per weighted layer.") { call in
            try compress(call)
        })
    }

    static func compress(_ call: BuiltinCall) throws -> Value {
        guard case .native(let trained as TrainedModel) = call["model"] else {
            throw call.error("compress: 'model' must be a trained model", at: "model")  // its type admits no other
        }
        var data = try call.dataset("data")
        guard data.sampleShape == trained.model.inputShape else {
            throw call.error("compress: the data's samples are \(describe(shape: data.sampleShape)), the model takes \(describe(shape: trained.model.inputShape))", at: "data")
        }
        // Fitted before any work; structured pruning removes channels, never layers, so the
        // channel-pruned model has the same weighted layers.
        let layers = try trained.model.weightedLayers().count
        let plan = CompressionPlan(prune: .layers(try call.fitted(try call.perLayer("prune") { $0 }, "prune", layers: layers)),
                                   bits: .layers(try call.fitted(try call.bitWidths("bits"), "bits", layers: layers)))
        var options = TrainingOptions()
        options.epochs = try call.integer("epochs")
        options.batchSize = try call.integer("batch")
        options.seed = try call.seed()
        options.learningRate = Float(try call.number("lr"))
        options.schedule = .cosine

        let fraction = try call.number("validation")
        let validation: Dataset?
        (data, validation) = trained.split(data, fraction: fraction, seed: options.seed)
        let reference = validation ?? data
        let before = Trainer.evaluate(trained.model, on: reference).accuracy

        let channels = try call.number("channels")
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
        let trainee = try call.bool("activations") ? try ActivationQuantization.trainingView(of: model) : model
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
        return .record(Record(kind: "compression", [
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
