/// A trial's state. `planned` is a proposal waiting for a worker to claim it (parallel and
/// distributed searches only); `running` is written when training starts, so a crash leaves a
/// visible trace; the other three are final. The trial runner reports the final three, the
/// study store keeps all five.
public enum TrialStatus: String, Codable, Sendable, CaseIterable {
    case planned, running, complete, failed, infeasible

    /// Whether the trial has an outcome (complete, failed or infeasible) that will not change.
    public var isFinal: Bool { self != .planned && self != .running }
}

/// One epoch of a training curve, as the trainer reports it and the study store keeps it.
/// Validation values are nil when there was no validation data (or they were not measured).
public struct EpochRecord: Sendable, Equatable {
    /// 1-based.
    public let epoch: Int
    public let trainLoss: Double
    public let trainAccuracy: Double
    public let validationLoss: Double?
    public let validationAccuracy: Double?
    /// Wall time of the epoch.
    public let seconds: Double

    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double, validationLoss: Double? = nil, validationAccuracy: Double? = nil,
                seconds: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.seconds = seconds
    }
}
