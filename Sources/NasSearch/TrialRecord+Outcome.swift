import NasCore
import NasStudy
import NasTrial

extension TrialRecord {
    /// Closes the row with what the runner measured (complete, infeasible or failed, with its
    /// metrics and reason) and returns its curve as the storage keeps it: training epochs then
    /// fine-tuning epochs, numbered through, so each stored epoch has its own key. The one
    /// translation from a runner's outcome to a stored trial, for in-process searches and
    /// workers alike.
    public mutating func apply(_ outcome: TrialOutcome) -> [EpochRecord] {
        let metrics = outcome.metrics ?? MetricValues()
        switch outcome.status {
        case .complete: complete(metrics: metrics)
        case .infeasible: markInfeasible(outcome.reason ?? "over budget", metrics: metrics)
        case .failed, .running, .planned: fail(outcome.reason ?? "failed", metrics: metrics)
        }
        return outcome.epochs.enumerated().map { i, e in
            EpochRecord(epoch: i + 1, trainLoss: e.trainLoss, trainAccuracy: e.trainAccuracy, validationLoss: e.validationLoss,
                        validationAccuracy: e.validationAccuracy, seconds: e.seconds)
        }
    }
}
