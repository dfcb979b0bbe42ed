import NasOptimize

/// The budget re-filter: complete trials whose metrics satisfy every constraint, reduced to those
/// no other feasible trial dominates on the objectives. Nothing is retrained, so changing
/// `budget.ram` redraws the front at once.
enum FeasibleFront {
    /// Indices into `metrics` (one dictionary per complete trial) of the feasible front, best
    /// first on the first objective, then the next ones, then by `numbers`: a table of the front
    /// reads as a trade-off curve and is the same on every run.
    static func select(metrics: [[String: Double]], numbers: [Int], within budget: [Constraint], objectives: [Objective]) -> [Int] {
        var feasible: [Int] = []
        var points: [[Double]] = []
        for (i, m) in metrics.enumerated() where budget.allSatisfy({ $0.isSatisfied(by: m) }) {
            var point: [Double] = []
            point.reserveCapacity(objectives.count)
            for objective in objectives {
                guard let value = m[objective.metric] else { break }
                point.append(objective.minimized(value))
            }
            guard point.count == objectives.count else { continue }
            feasible.append(i)
            points.append(point)
        }
        return Pareto.front(points)
            .sorted { a, b in
                let (pa, pb) = (points[a], points[b])
                for k in pa.indices where pa[k] != pb[k] { return pa[k] < pb[k] }
                return numbers[feasible[a]] < numbers[feasible[b]]
            }
            .map { feasible[$0] }
    }
}

extension Collection where Element == TrialRecord {
    /// The feasible Pareto front of these trials under `budget` (see `FeasibleFront`): for trials
    /// already in memory, such as a study being searched in this session.
    public func feasibleFront(within budget: [Constraint], objectives: [Objective]) -> [TrialRecord] {
        let complete = filter { $0.status == .complete }
        return FeasibleFront.select(metrics: complete.map(\.metrics), numbers: complete.map(\.number), within: budget,
                                    objectives: objectives).map { complete[$0] }
    }
}
