import NasData

/// Samples stored one after another in one flat array: what the batched inference paths
/// (`FoldedNetwork.classify(_:)`, `IntegerNetwork.classify(_:)`, calibration) take, so that a
/// validation set is scored without an array per sample.
public struct SampleBatch: Sendable {
    /// `count * sampleSize` values, sample after sample.
    public let values: [Float]
    public let count: Int
    public let sampleSize: Int

    /// Every sample must hold `sampleSize` values.
    public init(_ samples: [[Float]], sampleSize: Int) {
        precondition(samples.allSatisfy { $0.count == sampleSize }, "every sample must hold \(sampleSize) values")
        values = Array(samples.joined())
        count = samples.count
        self.sampleSize = sampleSize
    }

    /// Samples `range` of `data` (clamped to the data).
    public init(_ data: Dataset, range: Range<Int>) {
        let range = range.clamped(to: 0..<data.count), size = data.sampleSize
        values = Array(data.inputs[range.lowerBound * size ..< range.upperBound * size])
        count = range.count
        sampleSize = size
    }

    /// The values of samples `range`.
    public func slice(_ range: Range<Int>) -> ArraySlice<Float> {
        values[range.lowerBound * sampleSize ..< range.upperBound * sampleSize]
    }
}
