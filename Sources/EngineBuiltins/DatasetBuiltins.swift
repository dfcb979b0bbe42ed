import NasData
import NasLang

/// `dataset.*`: built-in synthetic data and loaders for files on disk.
enum DatasetBuiltins {
    /// The most samples a generator makes or `take` keeps; the memory check refuses sooner for large samples.
    static let maxCount = 1 << 20

    /// How many samples a generator makes.
    static let count = TypedParameter<Int>("count", .integer(atLeast: 1, atMost: maxCount), default: 2000)
    static let seed = TypedParameter<UInt64>.seed()

    static let size = TypedParameter<Int>("size", .integer(atLeast: 8, atMost: 512), default: 32)
    static let noise = TypedParameter<Double>("noise", .number(.nonNegative), default: 0.1)
    static let length = TypedParameter<Int>("length", .integer(atLeast: 16, atMost: 1 << 16), default: 128)
    static let channels = TypedParameter<Int>("channels", .integer(atLeast: 1, atMost: 64), default: 3)
    static let split = TypedParameter<Loaders.Split>("split", default: .train)
    static let directory = TypedParameter<String?>(optionalReadPath: "directory")
    static let images = TypedParameter<String>(readPath: "images")
    static let labels = TypedParameter<String>(readPath: "labels")
    static let path = TypedParameter<String>(readPath: "path")
    static let label = TypedParameter<String?>("label")
    static let inputs = TypedParameter<String>(readPath: "inputs")
    /// CIFAR-10's batch files: one name or a list of names.
    static let files = TypedParameter<[String]>(readPaths: "files")
    static let takeData = TypedParameter<Dataset>(dataset: "data")
    static let takeCount = TypedParameter<Int>("count", .integer(atLeast: 1, atMost: maxCount))

    static func register(into r: inout BuiltinRegistry) {
        r.register(Builtin("dataset.shapes", declaring: [count, size, seed, noise],
                           doc: "Synthetic RGB images (size x size x 3) of 10 kinds of coloured shapes on noisy backgrounds; deterministic from the seed.") { call in
            let size = try call[Self.size], count = try call[Self.count]
            try call.requireMemory(count * size * size * 3, for: "\(count) images of \(size)x\(size)x3")
            let noise = try call[Self.noise], seed = try call[Self.seed]
            return try interruptible(call) { stop in
                Synthetic.shapes(count: count, size: size, seed: seed, noise: Float(noise), shouldStop: stop)
            }
        })
        r.register(Builtin("dataset.motion", declaring: [count, length, channels, seed],
                           doc: "Synthetic accelerometer-like windows (length x channels) of 6 activities; deterministic from the seed.") { call in
            let length = try call[Self.length], count = try call[Self.count], channels = try call[Self.channels]
            try call.requireMemory(count * length * channels, for: "\(count) windows of \(length)x\(channels)")
            let seed = try call[Self.seed]
            return try interruptible(call) { stop in
                Synthetic.motion(count: count, length: length, channels: channels, seed: seed, shouldStop: stop)
            }
        })
        r.register(Builtin("dataset.fashion_mnist", declaring: [split, directory],
                           doc: "Fashion-MNIST (28x28x1, 10 classes) from Debian's dataset-fashion-mnist package or a directory of IDX files.") { call in
            let split = try call[Self.split], directory = try call[Self.directory]
            return try load(call) { try Loaders.fashionMNIST(directory: directory, split: split) }
        })
        r.register(Builtin("dataset.idx", declaring: [images, labels],
                           doc: "Images and labels in IDX format (MNIST style; .gz accepted).") { call in
            let images = try call[Self.images], labels = try call[Self.labels]
            return try load(call) { try Loaders.idx(images: images, labels: labels) }
        })
        r.register(Builtin("dataset.cifar10", declaring: [files],
                           doc: "CIFAR-10 binary batches: a file name or a list of them.") { call in
            let files = try call[Self.files]
            return try load(call) { try Loaders.cifar10(files: files) }
        })
        r.register(Builtin("dataset.ts", declaring: [path],
                           doc: "A UCR/UEA time-series classification file (.ts).") { call in
            let path = try call[Self.path]
            return try load(call) { try Loaders.ts(path: path) }
        })
        r.register(Builtin("dataset.csv", declaring: [path, label],
                           doc: "Numeric features from a CSV file; the label column is `label:` or the last column.") { call in
            let path = try call[Self.path], label = try call[Self.label]
            return try load(call) { try Loaders.csv(path: path, labelColumn: label) }
        })
        r.register(Builtin("dataset.npy", declaring: [inputs, labels],
                           doc: "Inputs and labels from two .npy files (C order; float32/float64/uint8 inputs).") { call in
            let inputs = try call[Self.inputs], labels = try call[Self.labels]
            return try load(call) { try Loaders.npy(inputs: inputs, labels: labels) }
        })
        r.register(Builtin("take", declaring: [takeData, takeCount, seed],
                           doc: "A stratified random subset of `count` samples, for quick experiments.") { call in
            let data = try call[Self.takeData], count = try call[Self.takeCount]
            guard count < data.count else { return call[Self.takeData.name] }
            let (_, kept) = data.split(validationFraction: Double(count) / Double(data.count), seed: try call[Self.seed])
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
