import CNasHypervolume

/// The hypervolume improvement of candidate points over one fixed front (minimization):
/// `improvement(y) = HV(front + y) - HV(front)`, for each candidate on its own.
///
/// Computed without the front's own volume: what y adds is the volume of its box (y up to the
/// reference) that no front point already covers, which is that box minus the volume of the
/// front clipped to it (each front point q replaced by max(q, y), coordinate by coordinate).
/// The clipped set is small and mostly collapsed onto the box's faces, so from four objectives
/// on this costs far less than the front's volume (5x at 50 front points, 34x at 500, see
/// `nasbook-bench hypervolume-improvement`), and the front is prepared once for every candidate
/// (EHVI asks for hundreds of candidates times its Monte-Carlo draws). For two and three
/// objectives the sweeps are O(n log n) either way and the plain difference against the
/// front's volume, computed once, is the faster of the two, so that is what they use.
///
/// A candidate outside the reference box, or weakly dominated by a front point, improves
/// nothing: 0 exactly.
public struct HypervolumeImprovement: Sendable {
    /// The front points that count (inside the reference box), row-major.
    let front: [Double]
    let frontCount: Int
    public let reference: [Double]
    /// One to three objectives: the same points as rows, and their volume.
    let rows: [[Double]]
    let volume: Double

    public init(front: [[Double]], reference: [Double]) {
        let inside = front.filter { Hypervolume.isInside($0, reference) }
        self.front = inside.flatMap { $0 }
        frontCount = inside.count
        self.reference = reference
        rows = reference.count < 4 ? inside : []
        volume = reference.count < 4 ? Hypervolume.of(inside, reference: reference) : 0
    }

    public func callAsFunction(_ candidate: [Double]) -> Double {
        callAsFunction(batch: [candidate])[0]
    }

    /// The improvement of each candidate on its own (not of the batch as a whole).
    public func callAsFunction(batch candidates: [[Double]]) -> [Double] {
        let m = reference.count
        guard m >= 4 else { return candidates.map(lowDimensional) }
        var gains = [Double](repeating: 0, count: candidates.count)
        // The C kernel assumes m coordinates per candidate; the others improve nothing.
        let fits = candidates.indices.filter { Hypervolume.isInside(candidates[$0], reference) }
        guard !fits.isEmpty else { return gains }
        if frontCount == 0 {
            for i in fits { gains[i] = box(candidates[i]) }
            return gains
        }
        let flat = fits.flatMap { candidates[$0] }
        var computed = [Double](repeating: 0, count: fits.count)
        let ok = nas_hypervolume_improvements(front, Int32(frontCount), Int32(m), flat, Int32(fits.count), reference, &computed)
        // Only an allocation failure returns 0; Swift's own arrays trap then too.
        precondition(ok != 0, "hypervolume improvement: out of memory for a front of \(frontCount) points")
        for (slot, i) in fits.enumerated() { gains[i] = computed[slot] }
        return gains
    }

    /// The volume of y's box up to the reference.
    func box(_ y: [Double]) -> Double {
        zip(reference, y).reduce(1.0) { $0 * ($1.0 - $1.1) }
    }

    /// One to three objectives: the volume with y minus the front's own.
    func lowDimensional(_ y: [Double]) -> Double {
        guard !reference.isEmpty, Hypervolume.isInside(y, reference) else { return 0 }
        if rows.contains(where: { q in zip(q, y).allSatisfy { $0 <= $1 } }) { return 0 }  // weakly dominated
        return max(0, Hypervolume.of(rows + [y], reference: reference) - volume)
    }
}
