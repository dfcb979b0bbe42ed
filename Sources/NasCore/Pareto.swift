/// Pareto dominance for minimization: every objective a user maximizes (accuracy) is negated
/// before it gets here, so one convention serves all code.
public enum Pareto {
    /// a dominates b: no worse in every objective and better in at least one.
    @inlinable
    public static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
        var better = false
        for i in a.indices {
            if a[i] > b[i] { return false }
            if a[i] < b[i] { better = true }
        }
        return better
    }

    /// Indices of the non-dominated points (duplicates are all kept).
    public static func front(_ points: [[Double]]) -> [Int] {
        fronts(points).first ?? []
    }

    /// Non-dominated sorting (Deb et al.'s fast variant): fronts[0] is the Pareto front, fronts[1]
    /// the front once it is removed, and so on. O(m n^2).
    public static func fronts(_ points: [[Double]]) -> [[Int]] {
        let n = points.count
        var dominatedBy = [Int](repeating: 0, count: n)
        var dominating = [[Int]](repeating: [], count: n)
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                if dominates(points[i], points[j]) {
                    dominating[i].append(j)
                    dominatedBy[j] += 1
                } else if dominates(points[j], points[i]) {
                    dominating[j].append(i)
                    dominatedBy[i] += 1
                }
            }
        }
        var fronts: [[Int]] = []
        var current = (0..<n).filter { dominatedBy[$0] == 0 }
        while !current.isEmpty {
            fronts.append(current)
            var next: [Int] = []
            for i in current {
                for j in dominating[i] {
                    dominatedBy[j] -= 1
                    if dominatedBy[j] == 0 { next.append(j) }
                }
            }
            current = next.sorted()
        }
        return fronts
    }
}

/// The budget re-filter: complete trials whose values satisfy every constraint, reduced to those
/// no other feasible trial dominates on the objectives. Nothing is retrained, so changing
/// `budget.ram` redraws the front at once. The one feasible-front rule of nasbook: studies in
/// memory, studies in a database and the tables all call it.
public enum FeasibleFront {
    /// Indices into `values` (one entry per trial; nil for a trial that did not complete) of
    /// the feasible front, best first on the first objective, then the next ones, then by
    /// `numbers`: a table of the front reads as a trade-off curve and is the same on every run.
    /// A trial lacking an objective's value cannot be placed, so it is left out.
    public static func select(_ values: [MetricValues?], numbers: [Int], within budget: [Constraint],
                              objectives: [Objective]) -> [Int] {
        var feasible: [Int] = []
        var points: [[Double]] = []
        for (i, v) in values.enumerated() {
            guard let v, budget.admit(v), let point = v.minimized(objectives) else { continue }
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
