import NasData

/// One study's data, split and normalized once so every trial trains and is scored on exactly
/// the same samples: differences between trials are then differences between configurations.
public struct TrialData: Sendable {
    public let train: Dataset
    public let validation: Dataset
    public let normalization: Normalization
    /// Samples that set the int8 activation ranges (the first training samples).
    public let calibration: [[Float]]

    /// Holds out `validationFraction` of `data` (stratified, from `seed`), normalizes both parts
    /// with the training part's channel statistics.
    public init(_ data: Dataset, validationFraction: Double, seed: UInt64, calibrationCount: Int = 100) {
        let parts = data.split(validationFraction: validationFraction, seed: seed)
        let stats = parts.train.channelStatistics()
        let train = stats.apply(to: parts.train)
        self.train = train
        validation = stats.apply(to: parts.validation)
        normalization = stats
        calibration = (0..<min(calibrationCount, train.count)).map { Array(train.sample($0)) }
    }
}
