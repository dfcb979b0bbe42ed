import NasCore
import NasCost
import NasData
import NasLang
import NasNN
import NasQuant
import NasSearch

/// `quantize(trained, data)`: the accuracy the board would get, from the integer-only path.
enum QuantizeBuiltins {
    static let model = TypedParameter<TrainedModel>(trainedModel: "model")
    static let data = TypedParameter<Dataset>(dataset: "data")
    static let calibration = TypedParameter<Int>("calibration", .integer(atLeast: 1, atMost: 10_000), default: 100)
    static let samples = TypedParameter<Int>("samples", .integer(atLeast: 1, atMost: 1 << 20), default: 500)
    static let validation = TypedParameter<Double>("validation", .fraction, default: 0.2)
    static let seed = TypedParameter<UInt64>.seed()

    static func register(into r: inout BuiltinRegistry) {
        r.register(Builtin("quantize", declaring: [model, data, calibration, samples, validation, seed],
                           doc: "Runs a trained model in int8 (per-channel weights at its bit-widths, int8 activations calibrated on training samples, int32 accumulators, fixed-point requantization) and reports float and integer accuracy on up to `samples` held-out samples.") { call in
            let trained = try call[model]
            let (float, int8) = try evaluate(trained, data: try call[data], validation: try call[validation], seed: try call[seed],
                                             calibration: try call[calibration], samples: try call[samples], call: call)
            return .record(Record(kind: .quantization, [
                ("accuracy_float", .number(float)), ("accuracy_int8", .number(int8)),
                ("bits", .list((trained.bits ?? []).map { .number(Double($0.bits)) })),
            ]))
        })
    }

    /// Samples scored between two checks for Ctrl-C.
    static let scoringBlock = 512

    /// Float and int8 accuracy on the held-out part of `data` (the split training used).
    static func evaluate(_ trained: TrainedModel, data: Dataset, validation fraction: Double, seed: UInt64, calibration: Int,
                         samples: Int, call: BuiltinCall) throws -> (Double, Double) {
        guard data.sampleShape == trained.model.inputShape else {
            throw call.error("\(call.name): the data's samples are \(describe(shape: data.sampleShape)), the model takes \(describe(shape: trained.model.inputShape))", at: "data")
        }
        let (train, validation) = trained.split(data, fraction: fraction, seed: seed)
        let held = validation ?? train
        let folded: FoldedNetwork
        do {
            folded = try FoldedNetwork(trained.model)
        } catch let error as ShapeError {
            throw call.error("\(call.name): \(error.description)", at: "model")
        }
        let calibrationSet = (0..<min(calibration, train.count)).map { Array(train.sample($0)) }
        let network = IntegerNetwork(folded, calibration: calibrationSet, bits: trained.bits)
        let count = min(samples, held.count)
        var floatCorrect = 0, intCorrect = 0
        // Batched kernels, a block at a time so that Ctrl-C is still seen promptly.
        for start in stride(from: 0, to: count, by: scoringBlock) {
            try call.context.checkInterrupt(at: call.span)
            let range = start..<min(start + scoringBlock, count)
            let batch = SampleBatch(held, range: range), labels = held.labels[range].map(Int.init)
            floatCorrect += zip(folded.classify(batch), labels).filter { $0 == $1 }.count
            intCorrect += zip(network.classify(batch), labels).filter { $0 == $1 }.count
        }
        return (Double(floatCorrect) / Double(max(1, count)), Double(intCorrect) / Double(max(1, count)))
    }
}
