import NasCore

extension Collection where Element == TrialRecord {
    /// The feasible Pareto front of these trials under `budget` (see `NasCore.FeasibleFront`):
    /// for trials already in memory, such as a study being searched in this session.
    public func feasibleFront(within budget: [Constraint], objectives: [Objective]) -> [TrialRecord] {
        let trials = Array(self)
        return FeasibleFront.select(trials.map { $0.status == .complete ? $0.metrics : nil }, numbers: trials.map(\.number),
                                    within: budget, objectives: objectives).map { trials[$0] }
    }
}
