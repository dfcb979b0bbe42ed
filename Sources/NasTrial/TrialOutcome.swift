import Foundation
import NasCore
import NasCost
import NasData
import NasNN

/// How a trial ended. A failed or infeasible trial is a result like any other: it is recorded,
/// and the search goes on.
public enum TrialStatus: Sendable, Equatable {
    case complete
    /// Training broke down (NaN or diverging loss) or the network could not be built.
    case failed(String)
    /// The cost model showed the network breaks a budget, so it was never trained.
    case infeasible([String])

    public var name: String {
        switch self {
        case .complete: return "complete"
        case .failed: return "failed"
        case .infeasible: return "infeasible"
        }
    }

    public var reason: String? {
        switch self {
        case .complete: return nil
        case .failed(let why): return why
        case .infeasible(let why): return why.joined(separator: "; ")
        }
    }
}

/// What a board would get from a trial's network: measured accuracy and exact costs.
public struct TrialMetrics: Sendable, Equatable {
    /// Top-1 accuracy of the int8 integer-only network on the validation samples.
    public var accuracy: Double
    /// The same network in float after compression, for comparison.
    public var floatAccuracy: Double
    /// Validation loss after fine-tuning (float).
    public var loss: Double
    public var flashBytes: Int
    public var ramBytes: Int
    public var macs: Int
    public var parameters: Int
    public var latencySeconds: Double

    public init(accuracy: Double, floatAccuracy: Double, loss: Double, flashBytes: Int, ramBytes: Int, macs: Int,
                parameters: Int, latencySeconds: Double) {
        self.accuracy = accuracy
        self.floatAccuracy = floatAccuracy
        self.loss = loss
        self.flashBytes = flashBytes
        self.ramBytes = ramBytes
        self.macs = macs
        self.parameters = parameters
        self.latencySeconds = latencySeconds
    }

    /// The costs of `report` with accuracies still unknown, for infeasible trials.
    public init(cost report: CostReport, accuracy: Double = .nan, floatAccuracy: Double = .nan, loss: Double = .nan) {
        self.accuracy = accuracy
        self.floatAccuracy = floatAccuracy
        self.loss = loss
        flashBytes = report.flashBytes
        ramBytes = report.ramBytes
        macs = report.macs
        parameters = report.parameters
        latencySeconds = report.latencySeconds
    }
}

/// The record of one finished trial.
public struct TrialOutcome {
    public var status: TrialStatus
    /// Costs whenever the network could be built; accuracies when the trial completed.
    public var metrics: TrialMetrics?
    /// Training epochs, then fine-tuning epochs.
    public var epochs: [EpochRecord]
    public var seconds: Double
    /// The compressed network (float weights already pruned and quantized to their grid) and its
    /// bit-widths, for export; nil unless complete.
    public var model: Model?
    public var bits: [BitWidth]
    /// Wall-clock seconds of each stage the trial reached, in the order they ran: "build",
    /// "train", "compress", "fine-tune", "cost", "score" (bench/trial-bench prints them).
    public var stages: [TrialStage]

    public init(status: TrialStatus, metrics: TrialMetrics?, epochs: [EpochRecord] = [], seconds: Double = 0,
                model: Model? = nil, bits: [BitWidth] = [], stages: [TrialStage] = []) {
        self.status = status
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
