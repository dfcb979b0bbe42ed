import NasData
import NasLang

/// `dataset.*`: built-in synthetic data and loaders for files on disk.
enum DatasetBuiltins {
    /// The most samples a generator makes or `take` keeps; the memory check refuses sooner for large samples.
    static let maxCount = 1 << 20

    static func register(into r: inout BuiltinRegistry) {
        r.register(Builtin("dataset.shapes", [
            .init("count", .integer(atLeast: 1, atMost: maxCount), default: .number(2000)),
            .init("size", .integer(atLeast: 8, atMost: 512), default: .number(32)),
            .init("seed", .seed, default: .number(1)), .init("noise", .number(.nonNegative), default: .number(0.1)),
        ], doc: "Synthetic RGB images (size x size x 3) of 10 kinds of coloured shapes on noisy backgrounds; deterministic from the seed.") { call in
            let size = try call.integer("size")
            let count = try call.integer("count")
            try call.requireMemory(count * size * size * 3, for: "\(count) images of \(size)x\(size)x3")
            let noise = try call.number("noise")
            let seed = try call.seed()
            return try interruptible(call) { stop in
                Synthetic.shapes(count: count, size: size, seed: seed, noise: Float(noise), shouldStop: stop)
            }
        })
        r.register(Builtin("dataset.motion", [
            .init("count", .integer(atLeast: 1, atMost: maxCount), default: .number(2000)),
            .init("length", .integer(atLeast: 16, atMost: 1 << 16), default: .number(128)),
            .init("channels", .integer(atLeast: 1, atMost: 64), default: .number(3)), .init("seed", .seed, default: .number(1)),
        ], doc: "Synthetic accelerometer-like windows (length x channels) of 6 activities; deterministic from the seed.") { call in
            let length = try call.integer("length")
            let count = try call.integer("count"), channels = try call.integer("channels")
            try call.requireMemory(count * length * channels, for: "\(count) windows of \(length)x\(channels)")
            let seed = try call.seed()
            return try interruptible(call) { stop in
                Synthetic.motion(count: count, length: length, channels: channels, seed: seed, shouldStop: stop)
            }
        })
        r.register(Builtin("dataset.fashion_mnist", [
            .init("split", .choice(of: Loaders.Split.self), default: .string("train")),
            .init("directory", .path, default: Value.none),
        ], doc: "Fashion-MNIST (28x28x1, 10 classes) from Debian's dataset-fashion-mnist package or a directory of IDX files.") { call in
            let split = try call.choice("split", as: Loaders.Split.self)
            let directory = call.optional("directory") == nil ? nil : try call.path("directory")
            return try load(call) { try Loaders.fashionMNIST(directory: directory, split: split) }
        })
        r.register(Builtin("dataset.idx", [.init("images", .path), .init("labels", .path)],
                           doc: "Images and labels in IDX format (MNIST style; .gz accepted).") { call in
            let images = try call.path("images"), labels = try call.path("labels")
            return try load(call) { try Loaders.idx(images: images, labels: labels) }
        })
        r.register(Builtin("dataset.cifar10", [.init("files", .either([.path, .list(.path)]))],
                           doc: "CIFAR-10 binary batches: a file name or a list of them.") { call in
            let files: [String]
            if case .string = call["files"] {
                files = [try call.path("files")]
            } else {
                files = try call.list("files").map { value in try call.checked(value.printed, .read, at: "files") }  // strings, by its type
            }
            return try load(call) { try Loaders.cifar10(files: files) }
        })
        r.register(Builtin("dataset.ts", [.init("path", .path)],
                           doc: "A UCR/UEA time-series classification file (.ts).") { call in
            let path = try call.path("path")
            return try load(call) { try Loaders.ts(path: path) }
        })
        r.register(Builtin("dataset.csv", [.init("path", .path), .init("label", .string, default: Value.none)],
                           doc: "Numeric features from a CSV file; the label column is `label:` or the last column.") { call in
            let path = try call.path("path")
            let label = call.optional("label") == nil ? nil : try call.string("label")
            return try load(call) { try Loaders.csv(path: path, labelColumn: label) }
        })
        r.register(Builtin("dataset.npy", [.init("inputs", .path), .init("labels", .path)],
                           doc: "Inputs and labels from two .npy files (C order; float32/float64/uint8 inputs).") { call in
            let inputs = try call.path("inputs"), labels = try call.path("labels")
            return try load(call) { try Loaders.npy(inputs: inputs, labels: labels) }
        })
        r.register(Builtin("take", [.init("data", .dataset), .init("count", .integer(atLeast: 1, atMost: maxCount)), .init("seed", .seed, default: .number(1))],
                           doc: "A stratified random subset of `count` samples, for quick experiments.") { call in
            let data = try call.dataset("data")
            let count = try call.integer("count")
            guard count < data.count else { return call["data"] }
            let (_, kept) = data.split(validationFraction: Double(count) / Double(data.count), seed: try call.seed())
            // Stratified rounding per class can round every class down to nothing.
            guard kept.count >= 1 else {
                throw call.error("take: \(count) of \(data.count) samples is less than half a sample per class for \(data.classCount) classes, so the stratified subset is empty",
                                 at: "count", hint: "take at least \(data.classCount) samples, about one per class")
            }
            return wrap(kept)
        })
    }

    static func wrap(_ dataset: Dataset) -> Value { .native(DatasetValue(dataset: dataset)) }

    /// Runs a generator that polls `stop` between blocks; Ctrl-C during it is an interruption
    /// at the call, as in training.
    static func interruptible(_ call: BuiltinCall, _ body: (_ stop: () -> Bool) -> Dataset) throws -> Value {
        var stopped = false
        let dataset = body {
            if !stopped, (try? call.context.checkInterrupt(at: call.span)) == nil { stopped = true }
            return stopped
        }
        if stopped { throw Interruption(span: call.span) }
        return wrap(dataset)
    }

    /// Runs a loader; its `DataError` reaches the user as a diagnostic at the call, as every
    /// builtin's errors do (the interpreter wraps them).
    static func load(_ call: BuiltinCall, _ body: () throws -> Dataset) throws -> Value {
        wrap(try body())
    }
}
