import NasCore

/// L-means clustering (Lloyd's algorithm with k-means++ seeding): where ARS-MOBO starts its
/// policies, so they spread over the parts of the Pareto front instead of crowding one end.
public enum KMeans {
    /// Up to `count` centres of `points` (fewer when there are fewer distinct points: then the
    /// distinct points themselves). Deterministic for a generator state.
    public static func centres(of points: [[Double]], count: Int, iterations: Int = 20,
                               rng: inout SeededGenerator) -> [[Double]] {
        var distinct: [[Double]] = []
        for p in points where !distinct.contains(p) { distinct.append(p) }
        guard distinct.count > count else { return distinct }
        // k-means++: the first centre uniformly, each next one with probability proportional to
        // its squared distance from the nearest centre chosen so far.
        var centres = [distinct[rng.nextInt(below: distinct.count)]]
        while centres.count < count {
            let weights = distinct.map { p in centres.map { distance2(p, $0) }.min()! }
            let total = weights.reduce(0, +)
            var target = rng.nextDouble() * total, pick = distinct.count - 1
            for (i, w) in weights.enumerated() {
                target -= w
                if target < 0 { pick = i; break }
            }
            centres.append(distinct[pick])
        }
        for _ in 0..<iterations {
            let assignment = distinct.map { p in centres.indices.min { distance2(p, centres[$0]) < distance2(p, centres[$1]) }! }
            var moved = false
            for c in centres.indices {
                let members = distinct.indices.filter { assignment[$0] == c }.map { distinct[$0] }
                guard !members.isEmpty else { continue }  // an empty cluster keeps its centre
                let mean = members[0].indices.map { k in members.reduce(0) { $0 + $1[k] } / Double(members.count) }
                if mean != centres[c] { centres[c] = mean; moved = true }
            }
            if !moved { break }
        }
        return centres
    }

    static func distance2(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += (a[i] - b[i]) * (a[i] - b[i]) }
        return sum
    }
}
