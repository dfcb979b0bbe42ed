import NasCore

/// Labelled samples stored sample-major in one flat Float buffer, so a batch is a contiguous
/// slice the training engine can hand to its kernels without copying or gathering.
/// Layout is channels-last: images [H, W, C] (NHWC when batched), sequences [T, C], tabular [F].
public struct Dataset: Sendable, Equatable {
    public var name: String
    public var sampleShape: [Int]
    /// `count * sampleSize` values; sample `i` is `inputs[i * sampleSize ..< (i + 1) * sampleSize]`.
    public var inputs: [Float]
    /// Class index per sample, in `0..<classCount`.
    public var labels: [Int32]
    public var classNames: [String]

    /// Checks the invariants every consumer relies on; a violation is a programming error in
    /// the code that built the dataset, not bad input (loaders report bad files as `DataError`).
    public init(name: String, sampleShape: [Int], inputs: [Float], labels: [Int32], classNames: [String]) {
        let sampleSize = sampleShape.reduce(1, *)
        precondition(sampleShape.allSatisfy { $0 > 0 }, "Dataset \(name): sample shape \(sampleShape) has a non-positive dimension")
        precondition(inputs.count == labels.count * sampleSize,
                     "Dataset \(name): \(inputs.count) input values for \(labels.count) samples of shape \(sampleShape)")
        let classCount = Int32(classNames.count)
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classCount },
                     "Dataset \(name): a label is outside 0..<\(classCount)")
        self.name = name
        self.sampleShape = sampleShape
        self.inputs = inputs
        self.labels = labels
        self.classNames = classNames
    }

    public var count: Int { labels.count }
    public var classCount: Int { classNames.count }
    /// Values per sample: the product of `sampleShape`.
    public var sampleSize: Int { sampleShape.reduce(1, *) }

    public func sample(_ i: Int) -> ArraySlice<Float> {
        precondition(i >= 0 && i < count, "sample \(i) out of range 0..<\(count)")
        let size = sampleSize
        return inputs[i * size ..< (i + 1) * size]
    }

    /// Samples per class, indexed by class.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }

    /// The samples at `indices`, in that order (repeats allowed, so it also serves resampling).
    public func subset(_ indices: [Int]) -> Dataset {
        let size = sampleSize
        var newInputs = [Float](repeating: 0, count: indices.count * size)
        var newLabels = [Int32](repeating: 0, count: indices.count)
        inputs.withUnsafeBufferPointer { source in
            newInputs.withUnsafeMutableBufferPointer { destination in
                for (k, i) in indices.enumerated() {
                    precondition(i >= 0 && i < count, "subset index \(i) out of range 0..<\(count)")
                    let from = UnsafeBufferPointer(rebasing: source[i * size ..< (i + 1) * size])
                    _ = UnsafeMutableBufferPointer(rebasing: destination[k * size ..< (k + 1) * size]).initialize(from: from)
                }
            }
        }
        for (k, i) in indices.enumerated() { newLabels[k] = labels[i] }
        return Dataset(name: name, sampleShape: sampleShape, inputs: newInputs, labels: newLabels, classNames: classNames)
    }

    /// Deterministic stratified split: within each class, a seeded shuffle picks
    /// `round(validationFraction * classSize)` samples for validation, so every class keeps its
    /// share in both parts and the same seed always gives the same split. Both parts keep the
    /// original sample order (shuffling for training is the engine's job, per epoch).
    public func split(validationFraction: Double, seed: UInt64) -> (train: Dataset, validation: Dataset) {
        precondition(validationFraction >= 0 && validationFraction <= 1,
                     "validationFraction must be in 0...1, got \(validationFraction)")
        var byClass = [[Int]](repeating: [], count: classCount)
        for (i, label) in labels.enumerated() { byClass[Int(label)].append(i) }
        var rng = SeededGenerator(seed: seed)
        var inValidation = [Bool](repeating: false, count: count)
        for var members in byClass {
            rng.shuffle(&members)
            let take = Int((validationFraction * Double(members.count)).rounded())
            for i in members.prefix(take) { inValidation[i] = true }
        }
        let trainIndices = (0..<count).filter { !inValidation[$0] }
        let validationIndices = (0..<count).filter { inValidation[$0] }
        var train = subset(trainIndices)
        var validation = subset(validationIndices)
        train.name = name + "/train"
        validation.name = name + "/validation"
        return (train, validation)
    }
}
