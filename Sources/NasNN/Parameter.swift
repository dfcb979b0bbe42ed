/// A trainable array and its gradient. A class because the optimizer, the layer and the
/// compression passes all update the same weights in place.
public final class Parameter: @unchecked Sendable {
    public let name: String
    public let shape: [Int]
    public var value: [Float]
    public var gradient: [Float]
    /// Batch-norm scales and biases are not weights a pruner or weight decay should judge.
    public let isWeight: Bool

    public init(name: String, shape: [Int], value: [Float], isWeight: Bool) {
        precondition(shape.reduce(1, *) == value.count)
        self.name = name
        self.shape = shape
        self.value = value
        self.gradient = [Float](repeating: 0, count: value.count)
        self.isWeight = isWeight
    }

    public var count: Int { value.count }

    public func zeroGradient() {
        gradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}
