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
