import Foundation
import NasCore
import NasCost
import NasData
import NasExport
import NasFiles
import NasLang
import NasNN
import NasQuant
import NasSearch

/// `export(model, to:)` and the statement `export model [as tflite] to "path"`: the integer
/// network `quantize` measures, written as C99 sources for the board or as a .tflite file.
enum ExportBuiltins {
    /// `export(format:)`: C99 sources in a folder, or one TensorFlow Lite file.
    enum Format: String, CaseIterable {
        case c, tflite
    }

    /// A trained model, or a search trial whose network it exports.
    static let model = TypedParameter<Value>(value: "model", .either([.trainedModel, .record(.trial)]))
    static let to = TypedParameter<String>("to", .path)
    static let format = TypedParameter<Format>("format", default: .c)
    static let data = TypedParameter<Dataset?>(optionalDataset: "data")
    static let calibration = TypedParameter<Int>("calibration", .integer(atLeast: 1, atMost: 10_000), default: TrainedModel.calibrationCount)

    static func register(into r: inout BuiltinRegistry) {
        r.register(Builtin("export", declaring: [model, to, format, data, calibration],
                           doc: "Writes a trained or compressed model as int8 integer-only inference: format \"c\" puts model.h, model.c (weights, a static arena of exactly the cost model's RAM, model_invoke) and the kernels in directory `to`; \"tflite\" writes a TensorFlow Lite file. Activations are calibrated on the training samples the model keeps, or on `data` if given.") { call in
            try export(call)
        })
    }

    static func export(_ call: BuiltinCall) throws -> Value {
        var value = try call[Self.model]
        // A search trial (`export s.best(by: accuracy) to "out"`) exports its network.
        if case .record(let trial) = value, trial.kind == .trial, let network = trial["model"] { value = network }
        guard case .native(let trained as TrainedModel) = value else {
            throw call.error("export: 'model' must be a trained model or a trained trial, not \(value.typeName)", at: Self.model.name,
                             hint: "train first: r = train(model, data), then export r.model to \"out\"")
        }
        let target = try call[Self.to]
        guard !target.isEmpty else { throw call.error("export: 'to' must name a path", at: "to") }
        let format = try call[Self.format]
        // A .tflite export is one file, a C export a folder: say so instead of failing at the
        // file system (or writing "x/." as the file x).
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: BuiltinCall.resolve(target, from: call.span), isDirectory: &isFolder)
        let last = target.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        if format == .tflite, target.hasSuffix("/") || last == "." || last == ".." || (exists && isFolder.boolValue) {
            throw call.error("export: a .tflite export needs a file name, not the folder \"\(target)\"", at: "to",
                             hint: "for example: to: \"model.tflite\"")
        }
        if format == .c, exists, !isFolder.boolValue {
            throw call.error("export: C sources go into a folder, and \"\(target)\" is a file", at: "to",
                             hint: "name a folder: export model to \"model\" writes model/model.c and the rest")
        }
        let count = try call[Self.calibration]
        let samples: [[Float]]
        if let data = try call[Self.data] {
            guard data.sampleShape == trained.model.inputShape else {
                throw call.error("export: the data's samples are \(describe(shape: data.sampleShape)), the model takes \(describe(shape: trained.model.inputShape))", at: "data")
            }
            // The training part, split and normalized as `train` does by default.
            let train = trained.split(data, fraction: 0.2, seed: 1).train
            samples = (0..<min(count, train.count)).map { Array(train.sample($0)) }
        } else {
            samples = Array(trained.calibration.prefix(count))
        }
        guard !samples.isEmpty else {
            throw call.error("export: this model keeps no training samples to calibrate int8 activations on", at: "model",
                             hint: "pass the training data: export(model, to: \"out\", data: data)")
        }
        let network: IntegerNetwork
        do {
            network = IntegerNetwork(try FoldedNetwork(trained.model), calibration: samples, bits: trained.bits)
        } catch let error as ShapeError {
            throw call.error("export: \(error.description)", at: "model")
        }
        let path = try call.writablePath("to")
        let files: [WrittenFile]
        do {
            switch format {
            case .c:
                let writer = CModelWriter(network, normalization: trained.normalization.map { ($0.mean, $0.std) })
                files = try writer.write(to: path)
                call.context.write("exported \(trained.spec.summary) as C99 to \(path), arena \(size(writer.arena.arenaSize)) (the cost model's RAM):\n")
                if let note = sparseNote(writer) { call.context.write(note) }
            case .tflite:
                let writer = TFLiteWriter(network)
                files = [try writer.write(to: path)]
                call.context.write("exported \(trained.spec.summary) as TensorFlow Lite, TFLite Micro arena head "
                                   + "\(size(try writer.activationArena().arenaSize)) (its planned tensors and MEAN scratch, with its "
                                   + "reference kernels; it adds its persistent records):\n")
            }
        } catch let error as ExportError {
            throw call.error("export: \(error.description)", at: "model")
        } catch let failure as FileWriteError {
            throw call.error("export: \(failure)", at: "to")
        } catch {
            throw call.error("export: cannot write \(target): \(error.localizedDescription)", at: "to")
        }
        // Paths where the files are (relative to the working directory when the script is), sizes right-aligned.
        let shown = files.map { format == .c ? (path.hasSuffix("/") ? path : path + "/") + URL(fileURLWithPath: $0.path).lastPathComponent : path }
        let width = shown.map(\.count).max() ?? 0
        for (name, file) in zip(shown, files) {
            let bytes = size(file.bytes)
            call.context.write("  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                               + String(repeating: " ", count: max(0, 9 - bytes.count)) + bytes + "\n")
        }
        return .none
    }

    /// Which layers the C export stored as a bitmap of non-zero weights and what that saved;
    /// nil when every layer is dense.
    static func sparseNote(_ writer: CModelWriter) -> String? {
        let sparse = writer.sparseLayers
        guard !sparse.isEmpty else { return nil }
        let graph = writer.network.folded.graph
        let layers = sparse.map { op, storage in
            "op \(op) \(graph.ops[op].kind.rawValue) \(CostBuiltins.percent(storage.sparsity)) zero "
                + "\(size(storage.bytes + storage.savedBytes)) -> \(size(storage.bytes))"
        }
        let saved = sparse.reduce(0) { $0 + $1.storage.savedBytes }
        return "  sparse weights (a bitmap of the non-zeros, then their values) in \(sparse.count) of \(writer.weightStorage.count) "
            + "weighted layers, \(size(saved)) less flash: " + layers.joined(separator: ", ") + "\n"
    }

    /// `512 B`, `31.6 KB`, `1.2 MB`.
    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1 << 20 { return String(format: "%.1f KB", Double(bytes) / 1024) }
        return String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }
}
