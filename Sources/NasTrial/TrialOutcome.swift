import Foundation
import NasCore
import NasCost
import NasData
import NasNN

extension MetricValues {
    /// The costs of `report` (flash, RAM, MACs, parameters, latency); accuracies and loss stay
    /// unknown until a trial has trained and been scored.
    public init(cost report: CostReport) {
        self = [.flash: Double(report.flashBytes), .ram: Double(report.ramBytes), .macs: Double(report.macs),
                .params: Double(report.parameters), .latency: report.latencySeconds]
    }
}

/// The record of one finished trial. A failed or infeasible trial is a result like any other:
/// it is recorded, and the search goes on.
public struct TrialOutcome {
    /// `.complete`, `.failed` (training broke down, or the network could not be built) or
    /// `.infeasible` (the cost model showed it breaks a budget, so it was never trained).
    public var status: TrialStatus
    /// Why the trial failed or was infeasible; nil when complete.
    public var reason: String?
    /// Costs whenever the network could be built; `accuracy` (int8), `float_accuracy` and
    /// `loss` when the trial completed.
    public var metrics: MetricValues?
    /// Training epochs, then fine-tuning epochs.
    public var epochs: [EpochRecord]
    public var seconds: Double
    /// The compressed network (float weights already pruned and quantized to their grid) and its
    /// bit-widths, for export; nil unless complete.
    public var model: Model?
    public var bits: [BitWidth]
    /// Wall-clock seconds of each stage the trial reached, in the order they ran: "build",
    /// "train", "compress", "fine-tune", "score" (folding and quantizing included), "cost" (bench/trial-bench prints them).
    public var stages: [TrialStage]

    public init(status: TrialStatus, reason: String? = nil, metrics: MetricValues?, epochs: [EpochRecord] = [], seconds: Double = 0,
                model: Model? = nil, bits: [BitWidth] = [], stages: [TrialStage] = []) {
        self.status = status
        self.reason = reason
        self.metrics = metrics
        self.epochs = epochs
        self.seconds = seconds
        self.model = model
        self.bits = bits
        self.stages = stages
    }
}

/// One stage of a trial and how long it took.
public struct TrialStage: Sendable, Equatable {
    public let name: String
    /// Wall-clock seconds.
    public let seconds: Double
    /// CPU seconds of the whole process (all threads) over the stage: on a busy machine the
    /// wall clock measures the neighbours too, this does not.
    public let cpuSeconds: Double

    public init(name: String, seconds: Double, cpuSeconds: Double) {
        self.name = name
        self.seconds = seconds
        self.cpuSeconds = cpuSeconds
    }

    /// CPU seconds this process has used so far.
    public static func processCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
