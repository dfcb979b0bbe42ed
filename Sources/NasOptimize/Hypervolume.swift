import CNasHypervolume

/// The volume dominated by a set of points and bounded by a reference point (minimization).
/// Points that do not strictly dominate the reference add nothing. Exact: a sweep in O(n log n)
/// for two objectives, the Beume et al. sweep over a 2-D staircase for three, HV4D+ (Guerreiro
/// & Fonseca 2018, O(n^2)) for four, and for five and more a dimension sweep whose slabs grow by
/// each point's exclusive contribution, computed one dimension lower on the bounded limit set
/// (the recursion of WFG, While et al. 2012). Three and more run in C (CNasHypervolume).
public enum Hypervolume {
    public static func of(_ points: [[Double]], reference: [Double]) -> Double {
        let m = reference.count
        guard m > 0 else { return 0 }  // no objectives, no volume
        if m >= 3 {
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
        if m == 1 { return reference[0] - inside.map { $0[0] }.min()! }
        return twoD(inside.map { ($0[0], $0[1]) }, reference: (reference[0], reference[1]))
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
}
