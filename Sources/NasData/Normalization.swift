/// Per-channel standardization, `(x - mean[c]) / std[c]` with `c` the last axis (the colour
/// channel of an image, the sensor axis of a sequence, the feature of a tabular row).
/// The statistics are a value of their own so they are computed once on the training set and
/// applied unchanged to validation and test data (and later baked into the exported model).
public struct Normalization: Sendable, Equatable {
    public var mean: [Float]
    public var std: [Float]

    public init(mean: [Float], std: [Float]) {
        precondition(mean.count == std.count, "normalization needs one mean and one std per channel")
        precondition(std.allSatisfy { $0 > 0 }, "normalization std must be positive")
        self.mean = mean
        self.std = std
    }

    public var channels: Int { mean.count }

    public func apply(to dataset: Dataset) -> Dataset {
        let sampleChannels = dataset.sampleShape.last ?? 1
        precondition(sampleChannels == channels,
                     "normalization has \(channels) channels, dataset \(dataset.name) has \(sampleChannels)")
        var result = dataset
        let scale = std.map { 1 / $0 }
        result.inputs.withUnsafeMutableBufferPointer { values in
            mean.withUnsafeBufferPointer { mean in
                scale.withUnsafeBufferPointer { scale in
                    var i = 0
                    while i < values.count {
                        for c in 0..<mean.count {
                            values[i + c] = (values[i + c] - mean[c]) * scale[c]
                        }
                        i += mean.count
                    }
                }
            }
        }
        return result
    }
}

extension Dataset {
    /// Mean and population standard deviation of each channel (last axis) over all samples.
    /// Two passes in Double (mean first, then squared deviations from it) so large, offset data
    /// such as 60k raw-valued images loses no precision. A constant channel gets std 1, which
    /// leaves it centred instead of dividing by zero.
    public func channelStatistics() -> Normalization {
        let channels = sampleShape.last ?? 1
        let n = Double(max(1, inputs.count / channels))
        var mean = [Double](repeating: 0, count: channels)
        var squaredDeviations = [Double](repeating: 0, count: channels)
        inputs.withUnsafeBufferPointer { values in
            var i = 0
            while i < values.count {
                for c in 0..<channels { mean[c] += Double(values[i + c]) }
                i += channels
            }
            for c in 0..<channels { mean[c] /= n }
            i = 0
            while i < values.count {
                for c in 0..<channels {
                    let d = Double(values[i + c]) - mean[c]
                    squaredDeviations[c] += d * d
                }
                i += channels
            }
        }
        let std = squaredDeviations.map { sum -> Float in
            let s = Float((sum / n).squareRoot())
            return s > 1e-6 ? s : 1
        }
        return Normalization(mean: mean.map { Float($0) }, std: std)
    }
}
