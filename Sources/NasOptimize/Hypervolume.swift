import CNasHypervolume

/// The volume dominated by a set of points and bounded by a reference point (minimization).
/// Points that do not strictly dominate the reference add nothing. Exact: a sweep in O(n log n)
/// for two objectives, the Beume et al. sweep over a 2-D staircase for three, HV4D+ (Guerreiro
/// & Fonseca 2018, O(n^2)) for four, and for five and more a dimension sweep whose slabs grow by
/// each point's exclusive contribution, computed one dimension lower on the bounded limit set
/// (the recursion of WFG, While et al. 2012). Four and more run in C (CNasHypervolume).
public enum Hypervolume {
    public static func of(_ points: [[Double]], reference: [Double]) -> Double {
        let m = reference.count
        guard m > 0 else { return 0 }  // no objectives, no volume
        if m >= 4 {
            // Straight into the kernel's row-major layout, without an intermediate [[Double]].
            var flat: [Double] = []
            flat.reserveCapacity(points.count * m)
            var count = 0
            for p in points where isInside(p, reference) {
                flat.append(contentsOf: p)
                count += 1
            }
            guard count > 0 else { return 0 }
            let volume = nas_hypervolume(flat, Int32(count), Int32(m), reference)
            // Only an allocation failure gives a negative volume; Swift's own arrays trap then too.
            precondition(volume >= 0, "hypervolume: out of memory for \(count) points")
            return volume
        }
        let inside = points.filter { p in isInside(p, reference) }
        guard !inside.isEmpty else { return 0 }
        switch m {
        case 1: return reference[0] - inside.map { $0[0] }.min()!
        case 2: return twoD(inside.map { ($0[0], $0[1]) }, reference: (reference[0], reference[1]))
        default: return threeD(inside, reference: reference)
        }
    }

    /// What `point` adds to the volume of `front`: HV(front + point) - HV(front). See
    /// `HypervolumeImprovement`, which serves many points against one front.
    public static func improvement(of point: [Double], over front: [[Double]], reference: [Double]) -> Double {
        HypervolumeImprovement(front: front, reference: reference)(point)
    }

    /// Each point's exclusive contribution: what the set loses without it.
    public static func contributions(_ points: [[Double]], reference: [Double]) -> [Double] {
        points.indices.map { i in
            var rest = points
            rest.remove(at: i)
            return improvement(of: points[i], over: rest, reference: reference)
        }
    }

    /// p counts toward the volume: the right number of objectives, each strictly below the reference.
    static func isInside(_ p: [Double], _ reference: [Double]) -> Bool {
        p.count == reference.count && zip(p, reference).allSatisfy { $0 < $1 }
    }

    static func twoD(_ points: [(Double, Double)], reference: (Double, Double)) -> Double {
        let sorted = points.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var volume = 0.0, bestY = reference.1
        for (x, y) in sorted where y < bestY {
            volume += (reference.0 - x) * (bestY - y)
            bestY = y
        }
        return volume
    }

    /// Sweep along the third objective, keeping the 2-D staircase of the points seen so far in
    /// a sorted array (x ascending, y descending) and its area up to date as points enter.
    static func threeD(_ points: [[Double]], reference r: [Double]) -> Double {
        let sorted = points.sorted { $0[2] < $1[2] }
        var xs: [Double] = [], ys: [Double] = []
        var area = 0.0, volume = 0.0
        for (index, p) in sorted.enumerated() {
            let x = p[0], y = p[1]
            // First staircase point with xs >= x.
            var lo = 0, hi = xs.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if xs[mid] < x { lo = mid + 1 } else { hi = mid }
            }
            // Dominated in 2-D by the point just left of it (smaller x, y no larger)?
            let dominatedLeft = lo > 0 && ys[lo - 1] <= y
            let dominatedEqual = lo < xs.count && xs[lo] == x && ys[lo] <= y
            if !dominatedLeft && !dominatedEqual {
                // Points from lo on with y >= this y are now dominated: remove them, adjusting area.
                var end = lo
                while end < xs.count && ys[end] >= y { end += 1 }
                // Area added = region dominated by the new point minus what was already covered.
                let upperY = lo > 0 ? ys[lo - 1] : r[1]
                var covered = 0.0
                // Covered part of [x, r0) x [y, upperY): the removed points' staircase plus the
                // first remaining point's strip.
                var previousX = x
                var stairY = upperY
                for k in lo..<end {
                    covered += (xs[k] - previousX) * (upperY - stairY)
                    previousX = xs[k]
                    stairY = ys[k]
                }
                let nextX = end < xs.count ? xs[end] : r[0]
                covered += (nextX - previousX) * (upperY - stairY)
                if end < xs.count {
                    covered += (r[0] - nextX) * (upperY - y)
                }
                let full = (r[0] - x) * (upperY - y)
                area += full - covered
                xs.replaceSubrange(lo..<end, with: [x])
                ys.replaceSubrange(lo..<end, with: [y])
            }
            let nextZ = index + 1 < sorted.count ? sorted[index + 1][2] : r[2]
            volume += area * (nextZ - p[2])
        }
        return volume
    }

}
