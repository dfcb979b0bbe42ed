import Foundation
import NasCore
import NasData
import NasTrial

/// The honest final number of a study: its chosen trials scored on a test split no trial was
/// selected on. A search picks its front by validation accuracy, so the front's validation
/// accuracies are optimistic (the best of many noisy measurements); the test split is not.
public struct StudyEvaluation {
    /// One scored trial: validation accuracy as the search measured it, test accuracy now.
    public struct Row {
        public let trial: NetworkTrial
        /// int8 and float accuracy on the test samples; nil when the network could not be had.
        public let test: (float: Double, int8: Double)?
    }

    public let rows: [Row]
    /// How many of the chosen trials there were: more than `rows` when Ctrl-C stopped the scoring.
    public let chosen: Int
    public let samples: Int
    public let dataName: String

    /// Scores `trials` (trained networks are reused; stored ones are retrained from their seeds)
    /// on `test`, normalized with the study's training statistics and in int8 as on the board.
    /// Ctrl-C (`output.stopRequested`, asked before each trial) keeps the rows scored so far.
    /// Throws `SearchFailure` at `"data"` when the test samples do not fit the study's networks.
    public static func run(_ study: NetworkStudy, trials: [NetworkTrial], on test: Dataset, output: any SearchOutput) throws -> StudyEvaluation {
        let trainShape = study.continuation?.data.train.sampleShape
        guard let shape = trials.lazy.compactMap({ $0.outcome.model?.inputShape }).first ?? trainShape, test.sampleShape == shape else {
            throw SearchFailure("evaluate: the test samples are \(describe(shape: test.sampleShape)), the study's networks take \(trainShape.map(describe(shape:)) ?? "other samples")",
                                at: "data")
        }
        if let classes = study.continuation?.data.train.classCount, test.classCount != classes {
            throw SearchFailure("evaluate: the test data has \(test.classCount) classes, the study's networks \(classes)", at: "data")
        }
        let normalized = study.normalization.apply(to: test)
        var rows: [Row] = []
        for t in trials {
            if output.stopRequested { break }
            let trained = study.withNetwork(t, output: output)
            guard let model = trained.outcome.model else { rows.append(Row(trial: trained, test: nil)); continue }
            let score = try? TrialRunner.accuracy(of: model, bits: trained.outcome.bits, calibration: study.calibration, on: normalized)
            rows.append(Row(trial: trained, test: score))
        }
        return StudyEvaluation(rows: rows, chosen: trials.count, samples: test.count, dataName: test.name)
    }

    /// The mean validation and test (int8) accuracy of the scored rows; NaN when none was scored.
    public var validationAccuracy: Double { Self.mean(rows.filter { $0.test != nil }.compactMap { $0.trial.outcome.metrics?[.accuracy] }) }
    public var testAccuracy: Double { Self.mean(rows.compactMap { $0.test?.int8 }) }

    /// The mean of `values`; NaN when there are none.
    public static func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }
}
